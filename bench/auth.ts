/**
 * Auth overhead on the sync `:invoke` hot path (issue 18.8): the same control plane configuration
 * in-process (no sockets, so the check's own cost is not hidden by HTTP), a LOCAL echo function,
 * `rounds` alternating batches of sync invocations with NANOFAAS_AUTH=none and with
 * NANOFAAS_AUTH=apikey + a valid key. Prints invocations per second of each and the ratio
 * (target ≥ 0.97). `bun bench/auth.ts [invocations per batch] [rounds]`.
 */
import { loadConfig } from "../src/config/config";
import { createControlPlane } from "../src/control-plane";

const perBatch = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const CONCURRENCY = 64;

async function setup(auth: "none" | "apikey") {
  const cp = createControlPlane(loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "none", NANOFAAS_AUTH: auth }), {
    version: "bench",
  });
  const key = (await cp.auth.apiKeys.create({ name: "b", scopes: ["admin"], tenant: "default", expiresAt: null }))
    .secret;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth === "apikey") headers.authorization = `Bearer ${key}`;
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

async function batch({ cp, headers }: Awaited<ReturnType<typeof setup>>): Promise<number> {
  const body = '{"input":{"n":1}}';
  const sizeHeaders = { ...headers, "content-length": String(body.length) };
  let left = perBatch;
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
  return perBatch / ((performance.now() - started) / 1000);
}

const none = await setup("none");
const keyed = await setup("apikey");
await batch(none);
await batch(keyed); // warm-up
const rates = { none: [] as number[], apikey: [] as number[] };
for (let i = 0; i < rounds; i++) {
  rates.none.push(await batch(none));
  rates.apikey.push(await batch(keyed));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const [a, b] = [median(rates.none), median(rates.apikey)];
console.log(
  `sync :invoke in-process, ${perBatch} × ${rounds} rounds, ${CONCURRENCY} concurrent: none ${a.toFixed(0)}/s, apikey ${b.toFixed(0)}/s, ratio ${(b / a).toFixed(3)} (target >= 0.97)`,
);
