/**
 * @module
 * Issue 15.8's load shape, shared by the 4-s test (test/integration/steady-load.test.ts) and the
 * timed run (`just bench-steady`): 8 connections of closed-loop sync calls through a listening
 * control plane, over a single-slot 40 ms function and a 4-slot 5 ms one, with a pause now and then
 * so calls bunch up after it. Both functions keep up, so every answer should be 200.
 */
import { jsonRequest, serveControlPlane, testControlPlane } from "./control-plane";

/** Runs the load for `seconds`; returns how many answers had each status. */
export async function runSteadyLoad(seconds: number, onProgress?: (statuses: Map<number, number>) => void) {
  const pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      await Bun.sleep(new URL(req.url).pathname === "/slow" ? 40 : 5);
      return Response.json({ ok: true });
    },
  });
  const served = serveControlPlane(testControlPlane());
  const statuses = new Map<number, number>();
  const ticker = onProgress && setInterval(() => onProgress(statuses), 60_000);
  try {
    for (const [name, concurrency] of [
      ["slow", 1],
      ["quick", 4],
    ] as const) {
      const spec = { name, executionMode: "POOL", endpointUrl: `http://127.0.0.1:${pod.port}/${name}`, concurrency };
      const res = await fetch(`${served.url}/v1/functions`, jsonRequest("POST", spec));
      if (res.status !== 201) throw new Error(`registering ${name}: ${res.status} ${await res.text()}`);
    }
    const end = Date.now() + seconds * 1000;
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
    return statuses;
  } finally {
    if (ticker) clearInterval(ticker);
    await served.stop();
    pod.stop(true);
  }
}
