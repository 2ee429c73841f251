/**
 * A short real-load check of issue 15.8: 8 connections of closed-loop sync calls through a
 * listening control plane, spread over a single-slot 40 ms function and a faster one, with bursty
 * pauses. Functions that keep up with the load must never answer 429.
 */
import { afterAll, expect, test } from "bun:test";
import { jsonRequest, serveControlPlane, testControlPlane } from "../support/control-plane";

const pod = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    await Bun.sleep(new URL(req.url).pathname === "/slow" ? 40 : 5);
    return Response.json({ ok: true });
  },
});
const served = serveControlPlane(testControlPlane());
afterAll(async () => {
  await served.stop();
  pod.stop(true);
});

test("8 connections for 4 s over functions that keep up: no 429", async () => {
  for (const [name, concurrency] of [["slow", 1], ["quick", 4]] as const) {
    const spec = { name, executionMode: "POOL", endpointUrl: `http://127.0.0.1:${pod.port}/${name}`, concurrency };
    expect((await fetch(`${served.url}/v1/functions`, jsonRequest("POST", spec))).status).toBe(201);
  }
  const statuses = new Map<number, number>();
  const end = Date.now() + 4000;
  const connection = async (c: number) => {
    for (let i = 0; Date.now() < end; i++) {
      const name = (c + i) % 3 === 0 ? "slow" : "quick";
      const res = await fetch(`${served.url}/v1/functions/${name}:invoke`, jsonRequest("POST", { input: i }));
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (i % 25 === 24) await Bun.sleep(300); // now and then a pause, so calls bunch up after it
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, c) => connection(c)));
  expect([...statuses.keys()]).toEqual([200]);
  expect(statuses.get(200)).toBeGreaterThan(100);
}, 20_000);
