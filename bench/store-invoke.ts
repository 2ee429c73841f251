/**
 * Sync `:invoke` through the whole control plane in-process (fake pod: Bun's fetch replaced by one
 * that answers at once), on the memory store and on the SQLite store, alternating processes. Prints
 * CPU µs per call of the main thread and of the whole process (the SQLite writer thread included):
 * on a 2-core machine shared with wrk and the pod, throughput follows the whole process's CPU, so
 * SQLite's extra CPU per call is what bounds the HTTP row "sync :invoke SQLite ÷ memory".
 *
 *   bun bench/store-invoke.ts [--calls 40000] [--runs 4] [--root DIR]
 *
 * `--root` measures another tree (a copy taken before a change) the same way, after this one, in
 * each round: before/after interleaved.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { median, round } from "./lib/stats";
import { BODY } from "./lib/wrk";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    calls: { type: "string", default: "40000" },
    runs: { type: "string", default: "4" },
    root: { type: "string" },
    child: { type: "string" },
    "child-root": { type: "string" },
  },
});

const URL_INVOKE = "http://127.0.0.1:8080/v1/functions/bench-echo:invoke";
const HEADERS = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(BODY)) };

function mainThreadCpuUs(): number {
  const fields = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function fakePodFetch(_url: unknown, init?: { body?: unknown }): Promise<Response> {
  const body = typeof init?.body === "string" ? init.body : BODY;
  return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/json" } }));
}

interface Sample {
  mainUs: number;
  processUs: number;
}

/** One measurement in this process: `store` is "memory" or "sqlite", the control plane from `root`. */
async function child(store: string, root: string, calls: number): Promise<Sample> {
  const { loadConfig } = (await import(join(root, "src/config/config.ts"))) as typeof import("../src/config/config");
  const { createControlPlane } = (await import(
    join(root, "src/control-plane.ts")
  )) as typeof import("../src/control-plane");
  const { createSqliteStore } = (await import(
    join(root, "src/store/sqlite/sqlite-store.ts")
  )) as typeof import("../src/store/sqlite/sqlite-store");
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-store-invoke-"));
  const realFetch = globalThis.fetch;
  globalThis.fetch = fakePodFetch as typeof fetch;
  const config = loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "none" });
  const stateStore = store === "sqlite" ? createSqliteStore({ path: join(dir, "nanofaas.db") }) : undefined;
  const cp = createControlPlane(config, { version: "bench", ...(stateStore ? { store: stateStore } : {}) });
  globalThis.fetch = realFetch;
  const registered = await cp.app.request("/v1/functions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "bench-echo",
      image: "bench/echo",
      executionMode: "POOL",
      endpointUrl: "http://127.0.0.1:9/invoke",
      concurrency: 64,
      queueSize: 100_000,
    }),
  });
  if (registered.status >= 300) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const call = () => cp.fetch(new Request(URL_INVOKE, { method: "POST", headers: HEADERS, body: BODY }));
  const windowed = async (n: number) => {
    let started = 0;
    await new Promise<void>((done) => {
      let live = 0;
      const next = (): void => {
        if (started >= n) {
          if (live === 0) done();
          return;
        }
        started++;
        live++;
        Promise.resolve(call())
          .then((r) => r.text())
          .then(() => {
            live--;
            next();
          });
      };
      for (let i = 0; i < 64; i++) next();
    });
  };
  await windowed(Math.min(5_000, calls)); // warm-up
  await Bun.sleep(50);
  const main0 = mainThreadCpuUs();
  const cpu0 = process.cpuUsage();
  await windowed(calls);
  await Bun.sleep(60); // the last write-behind batch commits inside the window
  const cpu = process.cpuUsage(cpu0);
  const sample = { mainUs: (mainThreadCpuUs() - main0) / calls, processUs: (cpu.user + cpu.system) / calls };
  await stateStore?.close();
  rmSync(dir, { recursive: true, force: true });
  return sample;
}

if (values.child) {
  const sample = await child(values.child, values["child-root"]!, Number(values.calls));
  process.stdout.write(JSON.stringify(sample));
  process.exit(0);
}

const HERE = resolve(import.meta.dir, "..");
const trees = values.root ? { after: HERE, before: resolve(values.root) } : { after: HERE };
const samples: Record<string, Sample[]> = {};
for (let run = 0; run < Number(values.runs); run++) {
  for (const [tree, root] of Object.entries(trees)) {
    for (const store of ["memory", "sqlite"]) {
      const args = ["--child", store, "--child-root", root, "--calls", values.calls!];
      const proc = Bun.spawnSync([process.execPath, import.meta.path, ...args], { stderr: "inherit" });
      const sample = JSON.parse(proc.stdout.toString()) as Sample;
      const key = `${tree} ${store}`;
      samples[key] = [...(samples[key] ?? []), sample];
      console.log(
        `${tree} ${store}: main ${round(sample.mainUs, 1)} µs, process ${round(sample.processUs, 1)} µs per call`,
      );
    }
  }
}
for (const [key, list] of Object.entries(samples)) {
  const main = median(list.map((s) => s.mainUs));
  const all = median(list.map((s) => s.processUs));
  console.log(`median ${key}: main ${round(main, 1)} µs, process ${round(all, 1)} µs`);
}
for (const tree of Object.keys(trees)) {
  const memory = median(samples[`${tree} memory`]!.map((s) => s.processUs));
  const sqlite = median(samples[`${tree} sqlite`]!.map((s) => s.processUs));
  console.log(
    `${tree}: process CPU memory ÷ sqlite ${round(memory / sqlite, 3)} (≈ the HTTP throughput ratio when CPU-bound)`,
  );
}
