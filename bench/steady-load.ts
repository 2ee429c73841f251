/**
 * Issue 15.8's acceptance as a timed run (`just bench-steady [SECONDS]`, default 300): 8 connections
 * of closed-loop sync calls through a listening control plane, over a single-slot 40 ms function
 * and a 4-slot 5 ms one, with a pause now and then so calls bunch up after it. Both functions keep
 * up with this load, so every answer must be 200: any 429 means admission misjudged the wait.
 * Prints the status counts once per minute and exits 1 if anything but 200 was seen.
 * (test/integration/steady-load.test.ts runs the same shape for 4 s in `npm test`.)
 */
import { jsonRequest, serveControlPlane, testControlPlane } from "../test/support/control-plane";

const seconds = Number(process.argv[2] ?? 300);
if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`seconds must be a positive integer, got '${process.argv[2]}'`);

const pod = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    await Bun.sleep(new URL(req.url).pathname === "/slow" ? 40 : 5);
    return Response.json({ ok: true });
  },
});
const served = serveControlPlane(testControlPlane());
for (const [name, concurrency] of [["slow", 1], ["quick", 4]] as const) {
  const spec = { name, executionMode: "POOL", endpointUrl: `http://127.0.0.1:${pod.port}/${name}`, concurrency };
  const res = await fetch(`${served.url}/v1/functions`, jsonRequest("POST", spec));
  if (res.status !== 201) throw new Error(`registering ${name}: ${res.status} ${await res.text()}`);
}

const statuses = new Map<number, number>();
const started = Date.now();
const end = started + seconds * 1000;
const report = () => {
  const minute = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`${minute} min: ${JSON.stringify(Object.fromEntries(statuses))}`);
};
const ticker = setInterval(report, 60_000);
const connection = async (c: number) => {
  for (let i = 0; Date.now() < end; i++) {
    const name = (c + i) % 3 === 0 ? "slow" : "quick";
    const res = await fetch(`${served.url}/v1/functions/${name}:invoke`, jsonRequest("POST", { input: i }));
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (i % 25 === 24) await Bun.sleep(300);
  }
};
await Promise.all(Array.from({ length: 8 }, (_, c) => connection(c)));
clearInterval(ticker);
report();
await served.stop();
pod.stop(true);
const others = [...statuses.keys()].filter((status) => status !== 200);
console.log(others.length === 0 ? `steady load for ${seconds} s: every call 200` : `steady load: non-200 statuses ${others.join(", ")}`);
process.exit(others.length === 0 ? 0 : 1);
