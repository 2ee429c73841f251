/**
 * Chaos (issue 13, "Done when"): 10 000 async invocations through a pod that, call by call,
 * answers, crashes (500 / connection reset), hangs past the deadline, returns garbage or deeply
 * nested JSON, or answers slowly — while forged callbacks (for queued and running executions) and
 * duplicate callbacks (for finished ones) are thrown in. Every execution must end terminal,
 * `function_inFlight` must return to 0, no slot may leak, the API never answers 5xx, and the
 * process RSS stays under a stated bound.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

const FUNCTIONS = 10;
const INVOCATIONS = 10_000;
const CLIENT_PARALLELISM = 64;
/** Bound on the test process's resident memory at the end (control plane, pod and clients). */
const RSS_BOUND_BYTES = 768 * 1024 * 1024;
const DEEP_JSON = `${"[".repeat(5000)}${"]".repeat(5000)}`;

let served: Served;
let pod: Server;
let podUrl: string;
const behaviours = new Map<string, number>();

/** Picks a misbehaviour from the execution id and attempt, so retries meet different ones. */
function behaviourOf(id: string, attempt: string): string {
  let h = 0;
  for (const ch of `${id}#${attempt}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const r = h % 100;
  if (r < 55) return "ok";
  if (r < 65) return "crash";
  if (r < 72) return "reset";
  if (r < 74) return "hang";
  if (r < 82) return "garbage";
  if (r < 86) return "deep";
  return "slow";
}

beforeAll(async () => {
  pod = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const kind = behaviourOf(String(req.headers["x-execution-id"]), String(req.headers["x-dispatch-attempt"]));
      behaviours.set(kind, (behaviours.get(kind) ?? 0) + 1);
      const json = (body: string) => res.writeHead(200, { "content-type": "application/json" }).end(body);
      switch (kind) {
        case "ok":
          return json(Buffer.concat(chunks).toString());
        case "crash":
          return res.writeHead(500, { "content-type": "text/plain" }).end("panic: worker died");
        case "reset":
          return req.socket.destroy();
        case "hang":
          return; // never answers: the attempt times out
        case "garbage":
          return json("\u0000\u00ff{not json");
        case "deep":
          return json(DEEP_JSON);
        default:
          setTimeout(() => json('{"slow":true}'), 30);
      }
    });
  });
  await new Promise<void>((resolve) => pod.listen(0, "127.0.0.1", resolve));
  podUrl = `http://127.0.0.1:${(pod.address() as AddressInfo).port}/invoke`;
  served = serveControlPlane(testControlPlane({ NANOFAAS_RATE_MAXPERSECOND: "1000000000" }));
});

afterAll(async () => {
  await served.stop();
  pod.closeAllConnections();
  pod.close();
});

test("10 000 async invocations through a misbehaving pod, with forged and duplicate callbacks: all terminal, no slot leaks, RSS bounded", async () => {
  for (let i = 0; i < FUNCTIONS; i++) {
    const res = await fetch(
      `${served.url}/v1/functions`,
      jsonRequest("POST", {
        name: `chaos-${i}`,
        executionMode: "POOL",
        endpointUrl: podUrl,
        concurrency: 8,
        queueSize: 2000,
        timeoutMs: 250,
        maxRetries: 3,
        retryBackoff: { baseDelayMs: 1, maxDelayMs: 5, jitter: 0 },
      }),
    );
    expect(res.status).toBe(201);
  }

  const ids: string[] = [];
  const callbackStatuses = new Map<number, number>();
  const callback = async (id: string, attempt: number, success: boolean) => {
    const body = success
      ? { success: true, output: { forged: true } }
      : { success: false, error: { code: "FORGED", message: "x" } };
    const res = await fetch(
      `${served.url}/v1/internal/executions/${id}:complete`,
      jsonRequest("POST", body, { "X-Dispatch-Attempt": String(attempt) }),
    );
    callbackStatuses.set(res.status, (callbackStatuses.get(res.status) ?? 0) + 1);
  };
  let next = 0;
  const client = async () => {
    while (next < INVOCATIONS) {
      const i = next++;
      const res = await fetch(
        `${served.url}/v1/functions/chaos-${i % FUNCTIONS}:enqueue`,
        jsonRequest("POST", { input: { i } }),
      );
      expect(res.status).toBe(202);
      const { executionId } = await res.json();
      ids.push(executionId);
      // Forged callbacks for fresh (queued or running) executions, both outcomes, attempts 1 and 2.
      if (i % 20 === 0) await callback(executionId, 1 + (i % 2), i % 40 === 0);
    }
  };
  await Promise.all(Array.from({ length: CLIENT_PARALLELISM }, client));
  expect(ids.length).toBe(INVOCATIONS);

  const { engine } = served.cp;
  const deadline = Date.now() + 50_000;
  while (engine.pendingCount() > 0 && Date.now() < deadline) await Bun.sleep(20);
  expect(engine.pendingCount()).toBe(0);

  // Duplicate callbacks for finished executions are ignored.
  for (const id of ids.slice(0, 200)) await callback(id, 1, true);

  const statuses = new Map<string, number>();
  for (const id of ids) {
    const view = engine.execution(id)!;
    statuses.set(view.status, (statuses.get(view.status) ?? 0) + 1);
  }
  expect((statuses.get("success") ?? 0) + (statuses.get("error") ?? 0) + (statuses.get("timeout") ?? 0)).toBe(
    INVOCATIONS,
  );
  for (let i = 0; i < FUNCTIONS; i++) expect(engine.queueStats().get(`chaos-${i}`)!.inFlight).toBe(0);
  const metrics = await served.cp.metricsRegistry.metrics();
  const inFlightSeries = metrics.split("\n").filter((l) => l.startsWith("function_inFlight{"));
  expect(inFlightSeries).toHaveLength(FUNCTIONS);
  for (const line of inFlightSeries) expect(line.endsWith(" 0")).toBe(true);
  // Forged ones were refused (409) or ignored (204); never a 5xx.
  expect([...callbackStatuses.keys()].every((s) => s === 204 || s === 409)).toBe(true);
  expect(callbackStatuses.get(409)).toBeGreaterThan(0);
  for (const kind of ["ok", "crash", "reset", "hang", "garbage", "deep", "slow"])
    expect(behaviours.get(kind)).toBeGreaterThan(0);
  const rss = process.memoryUsage().rss;
  console.log(
    `chaos: ${INVOCATIONS} executions ${JSON.stringify(Object.fromEntries(statuses))}, pod calls ${JSON.stringify(Object.fromEntries(behaviours))}, ` +
      `callbacks ${JSON.stringify(Object.fromEntries(callbackStatuses))}, RSS ${Math.round(rss / 1048576)} MiB`,
  );
  expect(rss).toBeLessThan(RSS_BOUND_BYTES);
}, 90_000);
