/**
 * The invocation engine under load, through a real listening control plane and a real (flaky)
 * pod server: 10 000 async invocations across 20 functions with concurrency limits.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

const FUNCTIONS = 20;
const INVOCATIONS = 10_000;
const CLIENT_PARALLELISM = 64;

let served: Served;
let pod: ReturnType<typeof Bun.serve>;
const inFlight = new Map<string, number>();
const peak = new Map<string, number>();
const seenAttempts = new Set<string>();
let duplicateAttempts = 0;
let calls = 0;

beforeAll(() => {
  pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const fn = new URL(req.url).pathname.split("/")[1]!;
      const key = `${req.headers.get("x-execution-id")}#${req.headers.get("x-dispatch-attempt")}`;
      if (seenAttempts.has(key)) duplicateAttempts++;
      seenAttempts.add(key);
      calls++;
      const now = (inFlight.get(fn) ?? 0) + 1;
      inFlight.set(fn, now);
      peak.set(fn, Math.max(peak.get(fn) ?? 0, now));
      try {
        await Bun.sleep(calls % 7); // 0–6 ms of "work"
        if (calls % 5 === 0) return new Response("flaky", { status: 500 }); // 20 % of attempts fail
        return Response.json(await req.json());
      } finally {
        inFlight.set(fn, (inFlight.get(fn) ?? 1) - 1);
      }
    },
  });
  served = serveControlPlane(testControlPlane());
});

afterAll(async () => {
  await served.stop();
  pod.stop(true);
});

const concurrencyOf = (i: number) => 1 + (i % 4); // 1..4

test("10 000 async invocations over 20 functions all end terminal, with no slot leak and no concurrency overrun", async () => {
  for (let i = 0; i < FUNCTIONS; i++) {
    const res = await fetch(
      `${served.url}/v1/functions`,
      jsonRequest("POST", {
        name: `load-${i}`,
        executionMode: "POOL",
        endpointUrl: `http://127.0.0.1:${pod.port}/load-${i}/invoke`,
        concurrency: concurrencyOf(i),
        queueSize: 1000,
        maxRetries: 6,
        retryBackoff: { baseDelayMs: 1, maxDelayMs: 5, jitter: 0 },
      }),
    );
    expect(res.status).toBe(201);
  }

  const ids: string[] = [];
  let next = 0;
  const client = async () => {
    while (next < INVOCATIONS) {
      const i = next++;
      const res = await fetch(
        `${served.url}/v1/functions/load-${i % FUNCTIONS}:enqueue`,
        jsonRequest("POST", { input: { i } }),
      );
      expect(res.status).toBe(202);
      ids.push((await res.json()).executionId);
    }
  };
  await Promise.all(Array.from({ length: CLIENT_PARALLELISM }, client));
  expect(ids.length).toBe(INVOCATIONS);

  const { engine } = served.cp;
  const deadline = Date.now() + 60_000;
  while (engine.pendingCount() > 0 && Date.now() < deadline) await Bun.sleep(20);
  expect(engine.pendingCount()).toBe(0);

  const statuses = new Map<string, number>();
  for (const id of ids) {
    const view = engine.execution(id)!;
    statuses.set(view.status, (statuses.get(view.status) ?? 0) + 1);
  }
  // Every failure is retried up to 6 attempts; 20 % failing attempts → nearly all succeed.
  expect((statuses.get("success") ?? 0) + (statuses.get("error") ?? 0)).toBe(INVOCATIONS);
  expect(statuses.get("success")).toBeGreaterThan(INVOCATIONS * 0.99);
  expect(duplicateAttempts).toBe(0);
  for (let i = 0; i < FUNCTIONS; i++) {
    const queue = engine.queueStats().get(`load-${i}`)!;
    expect(queue.inFlight).toBe(0);
    expect(peak.get(`load-${i}`)!).toBe(concurrencyOf(i)); // reached, never exceeded
  }
  expect(calls).toBeGreaterThan(INVOCATIONS); // retries happened
}, 90_000);
