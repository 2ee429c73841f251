/**
 * Auth overhead on the sync `:invoke` hot path (issue 18.8): the same control plane configuration
 * in-process (no sockets, so the check's own cost is not hidden by HTTP), a LOCAL echo function,
 * `rounds` alternating batches of sync invocations with NANOFAAS_AUTH=none, with
 * NANOFAAS_AUTH=apikey + a valid key, and with NANOFAAS_AUTH=oidc + a JWT from a local issuer (one
 * token reused, as a client does until it expires). Prints invocations per second of each and the
 * ratios (targets: API key ≥ 0.97, JWT ≥ 0.95), and the process's CPU µs per call with the same
 * ratios taken on CPU (none's ÷ the mode's, round by round), which a busy machine disturbs less.
 * `bun bench/auth.ts [invocations per batch] [rounds]`.
 */
import { loadConfig } from "../src/config/config";
import { createControlPlane } from "../src/control-plane";
import { TestIssuer } from "../test/support/oidc-issuer";

const perBatch = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const CONCURRENCY = 64;
type Mode = "none" | "apikey" | "oidc";

const issuer = await TestIssuer.start();

async function credential(mode: Mode, cp: ReturnType<typeof createControlPlane>): Promise<string | undefined> {
  if (mode === "oidc") return issuer.bearer(["admin"]);
  const key = await cp.auth.apiKeys.create({ name: "b", scopes: ["admin"], tenant: "default", expiresAt: null });
  return mode === "apikey" ? `Bearer ${key.secret}` : undefined;
}

async function setup(mode: Mode) {
  const env = mode === "oidc" ? issuer.env() : { NANOFAAS_AUTH: mode };
  const cp = createControlPlane(loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "none", ...env }), { version: "bench" });
  const headers: Record<string, string> = { "content-type": "application/json" };
  const authorization = await credential(mode, cp);
  if (authorization) headers.authorization = authorization;
  const reg = await cp.fetch(
    new Request("http://localhost/v1/functions", {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "echo", executionMode: "LOCAL", concurrency: 256, queueSize: 10_000 }),
    }),
  );
  if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
  return { cp, headers };
}

/** Calls per second (wall clock) and the process's CPU µs per call (steadier on a busy machine). */
async function batch({ cp, headers }: Awaited<ReturnType<typeof setup>>): Promise<{ rate: number; cpuUs: number }> {
  const body = '{"input":{"n":1}}';
  const sizeHeaders = { ...headers, "content-length": String(body.length) };
  let left = perBatch;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (left-- > 0) {
      const res = await cp.fetch(
        new Request("http://localhost/v1/functions/echo:invoke", { method: "POST", headers: sizeHeaders, body }),
      );
      if (res.status !== 200) throw new Error(`invoke: ${res.status}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const rate = perBatch / ((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  return { rate, cpuUs: (cpu.user + cpu.system) / perBatch };
}

const modes: Mode[] = ["none", "apikey", "oidc"];
const planes = await Promise.all(modes.map(setup));
for (const plane of planes) await batch(plane); // warm-up
const rates: number[][] = modes.map(() => []);
const cpus: number[][] = modes.map(() => []);
for (let i = 0; i < rounds; i++)
  for (const [m, plane] of planes.entries()) {
    const { rate, cpuUs } = await batch(plane);
    rates[m]!.push(rate);
    cpus[m]!.push(cpuUs);
  }
issuer.stop();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const [none, apikey, jwt] = rates.map(median) as [number, number, number];
// CPU per call as a throughput ratio (none's CPU ÷ the mode's), per round, then the median.
const cpuRatio = (m: number) => median(cpus[m]!.map((c, i) => cpus[0]![i]! / c)).toFixed(3);
const cpuUs = (m: number) => median(cpus[m]!).toFixed(2);
console.log(
  `sync :invoke in-process, ${perBatch} × ${rounds} rounds, ${CONCURRENCY} concurrent: none ${none.toFixed(0)}/s, ` +
    `apikey ${apikey.toFixed(0)}/s (ratio ${(apikey / none).toFixed(3)}, target >= 0.97), ` +
    `jwt ${jwt.toFixed(0)}/s (ratio ${(jwt / none).toFixed(3)}, target >= 0.95)`,
);
console.log(
  `CPU per call: none ${cpuUs(0)} µs, apikey ${cpuUs(1)} µs (none ÷ apikey ${cpuRatio(1)}), ` +
    `jwt ${cpuUs(2)} µs (none ÷ jwt ${cpuRatio(2)})`,
);
