/**
 * Function chains (issue 23) end to end on a listening control plane with real pods (test/fakes):
 * output passing along A → B → C with the lineage, passOutput false, onError stop and next, cycles
 * and over-deep chains refused at registration and at update, the runtime depth guard when a
 * cycle arrives through the store (as another replica's registration would), a missing next.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Json } from "../../src/contracts/pod";
import { silentLogger } from "../../src/observability/logger";
import { registerStoredFunctions } from "../../src/registry/recover-state";
import { type FakePod, type PodCall, startFakePod } from "../fakes/fake-pod";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";
import { until } from "../support/until";

let served: Served;
const pods: FakePod[] = [];

beforeAll(() => {
  served = serveControlPlane(testControlPlane({ NANOFAAS_MAX_CHAIN_DEPTH: "4" }));
});
afterAll(async () => {
  await served.stop();
  await Promise.all(pods.map((pod) => pod.close()));
});

/** A pod that answers `{<name>: input}`, or fails with 500 when `fails`. */
async function podFor(name: string, fails = false): Promise<FakePod> {
  const pod = await startFakePod({
    behavior: (call) =>
      fails
        ? { fake: "status", status: 500, body: "boom" }
        : { fake: "status", status: 200, body: { [name]: call.input } as Json },
  });
  pods.push(pod);
  return pod;
}

const api = (path: string, init?: RequestInit) => fetch(`${served.url}${path}`, init);
const spec = (name: string, pod: FakePod, chain?: Record<string, unknown>) => ({
  name,
  executionMode: "POOL",
  endpointUrl: pod.url,
  maxRetries: 1,
  ...(chain ? { chain } : {}),
});
async function register(name: string, pod: FakePod, chain?: Record<string, unknown>) {
  const res = await api("/v1/functions", jsonRequest("POST", spec(name, pod, chain)));
  expect(res.status).toBe(201);
  return res.json() as Promise<Record<string, unknown>>;
}
const invoke = async (name: string, input: unknown) =>
  (await (await api(`/v1/functions/${name}:invoke`, jsonRequest("POST", { input }))).json()) as {
    executionId: string;
    status: string;
    output: unknown;
  };
const execution = async (id: string) => (await (await api(`/v1/executions/${id}`)).json()) as Record<string, unknown>;
const metadataOf = (call: PodCall) => (call.body as { metadata?: Record<string, string> }).metadata ?? {};
async function chainSteps(fn: string, outcome: string): Promise<number> {
  const text = await (await served.cp.management.request("/metrics")).text();
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith(`nanofaas_chain_steps_total{`) &&
        l.includes(`function="${fn}"`) &&
        l.includes(`outcome="${outcome}"`),
    );
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("running a chain", () => {
  test("A → B → C: each gets the previous output; every step links to its parent and to A", async () => {
    const [a, b, c] = await Promise.all([podFor("a"), podFor("b"), podFor("c")]);
    await register("chain-c", c);
    await register("chain-b", b, { next: "chain-c" });
    const shown = await register("chain-a", a, { next: "chain-b" });
    expect(shown.chain).toEqual({ next: "chain-b", passOutput: true, onError: "stop" });

    const first = await invoke("chain-a", { n: 1 });
    expect(first).toMatchObject({ status: "success", output: { a: { n: 1 } } });
    const [atC] = await c.waitForCalls(1, 5000);
    const [atB] = b.calls;
    expect(atB!.input).toEqual({ a: { n: 1 } });
    expect(atC!.input).toEqual({ b: { a: { n: 1 } } });
    expect(metadataOf(atB!)).toEqual({ "chain-from": "chain-a", "chain-depth": "2" });
    expect(metadataOf(atC!)).toEqual({ "chain-from": "chain-b", "chain-depth": "3" });

    const stepB = await execution(atB!.executionId!);
    expect(stepB).toMatchObject({
      function: "chain-b",
      parentExecutionId: first.executionId,
      rootExecutionId: first.executionId,
    });
    const stepC = await until(async () => {
      const e = await execution(atC!.executionId!);
      return e.status === "success" ? e : undefined;
    }, "C to end");
    expect(stepC).toMatchObject({
      function: "chain-c",
      output: { c: { b: { a: { n: 1 } } } },
      parentExecutionId: atB!.executionId,
      rootExecutionId: first.executionId,
    });
    expect(await chainSteps("chain-a", "started")).toBe(1);
    // the whole chain from its root, newest first
    const chain = (await (await api(`/v1/executions?root=${first.executionId}`)).json()) as {
      items: { executionId: string; function: string }[];
    };
    expect(chain.items.map((e) => e.function)).toEqual(["chain-c", "chain-b", "chain-a"]);
  });

  test("passOutput false: next gets the execution's own input (async start: :enqueue)", async () => {
    const [a, b] = await Promise.all([podFor("a"), podFor("b")]);
    await register("input-b", b);
    await register("input-a", a, { next: "input-b", passOutput: false });
    const res = await api("/v1/functions/input-a:enqueue", jsonRequest("POST", { input: { keep: "me" } }));
    expect(res.status).toBe(202);
    const [atB] = await b.waitForCalls(1, 5000);
    expect(atB!.input).toEqual({ keep: "me" });
  });

  test("onError stop (the default): a failed execution ends the chain", async () => {
    const [bad, b] = await Promise.all([podFor("bad", true), podFor("b")]);
    await register("stop-b", b);
    await register("stop-a", bad, { next: "stop-b" });
    expect((await invoke("stop-a", { n: 1 })).status).toBe("error");
    // the follower decides at the terminal transition, before the caller is answered
    expect(await chainSteps("stop-a", "stopped")).toBe(1);
    await Bun.sleep(100);
    expect(b.calls).toHaveLength(0);
  });

  test("onError next: next runs with the failed execution's input and chain-error", async () => {
    const [bad, b] = await Promise.all([podFor("bad", true), podFor("b")]);
    await register("onerr-b", b);
    await register("onerr-a", bad, { next: "onerr-b", onError: "next" });
    const failed = await invoke("onerr-a", { order: 7 });
    expect(failed.status).toBe("error");
    const [atB] = await b.waitForCalls(1, 5000);
    expect(atB!.input).toEqual({ order: 7 });
    expect(metadataOf(atB!)).toEqual({ "chain-from": "onerr-a", "chain-depth": "2", "chain-error": "POOL_ERROR" });
    expect(await execution(atB!.executionId!)).toMatchObject({ parentExecutionId: failed.executionId });
  });

  test("a next that does not exist is counted and logged, nothing else happens", async () => {
    const a = await podFor("a");
    await register("lonely", a, { next: "not-registered" });
    expect((await invoke("lonely", 1)).status).toBe("success");
    await until(async () => (await chainSteps("lonely", "next_missing")) === 1, "next_missing counted");
  });
});

describe("registration refuses what could not end well", () => {
  test("a cycle, at registration and at update, naming the path; nothing changes", async () => {
    const pod = await podFor("x");
    await register("cyc-1", pod, { next: "cyc-2" });
    await register("cyc-2", pod, { next: "cyc-3" });
    const refused = await api("/v1/functions", jsonRequest("POST", spec("cyc-3", pod, { next: "cyc-1" })));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: "VALIDATION_ERROR",
      details: ["chain.next: 'cyc-1' makes a cycle: cyc-3 → cyc-1 → cyc-2 → cyc-3"],
    });
    expect((await api("/v1/functions/cyc-3")).status).toBe(404);

    await register("cyc-3", pod);
    const update = await api("/v1/functions/cyc-3", jsonRequest("PUT", spec("cyc-3", pod, { next: "cyc-1" })));
    expect(update.status).toBe(400);
    const self = await api("/v1/functions/cyc-3", jsonRequest("PUT", spec("cyc-3", pod, { next: "cyc-3" })));
    expect(((await self.json()) as { details: string[] }).details).toEqual([
      "chain.next: 'cyc-3' makes a cycle: cyc-3 → cyc-3",
    ]);
    expect((await (await api("/v1/functions/cyc-3")).json()).chain).toBeUndefined();
  });

  test("a chain longer than NANOFAAS_MAX_CHAIN_DEPTH (4 here), from either end", async () => {
    const pod = await podFor("d");
    await register("deep-2", pod, { next: "deep-3" });
    await register("deep-3", pod, { next: "deep-4" });
    await register("deep-1", pod, { next: "deep-2" }); // deep-1 → 2 → 3 → 4: four functions
    const longer = await api("/v1/functions", jsonRequest("POST", spec("deep-0", pod, { next: "deep-1" })));
    expect(longer.status).toBe(400);
    expect(((await longer.json()) as { details: string[] }).details).toEqual([
      "chain: deep-0 → deep-1 → deep-2 → deep-3 → deep-4 would chain 5 functions, more than NANOFAAS_MAX_CHAIN_DEPTH (4)",
    ]);
    const tail = await api("/v1/functions", jsonRequest("POST", spec("deep-4", pod, { next: "deep-5" })));
    expect(((await tail.json()) as { details: string[] }).details[0]).toContain(
      "deep-1 → deep-2 → deep-3 → deep-4 → deep-5",
    );
  });

  test("bad chain fields are 400 before anything else is looked at", async () => {
    const pod = await podFor("v");
    for (const chain of [{ next: "../x" }, { next: "ok", onError: "retry" }, { passOutput: true }]) {
      const res = await api("/v1/functions", jsonRequest("POST", spec("bad-chain", pod, chain)));
      expect(res.status).toBe(400);
    }
  });
});

test("runtime guard: a cycle that reached the registry through the store stops at the depth", async () => {
  // Another replica (or an older release) stored loop-2 → loop-1 while this one has loop-1 → loop-2:
  // restored functions are not refused (that would drop them), so the cycle exists at run time.
  const [one, two] = await Promise.all([podFor("one"), podFor("two")]);
  await register("loop-1", one, { next: "loop-2" });
  const stored = spec("loop-2", two, { next: "loop-1" });
  await served.cp.store.functions.put({ name: "loop-2", spec: stored, createdAt: 1, updatedAt: 1 });
  expect(await registerStoredFunctions(served.cp.store, served.cp.functions, silentLogger())).toEqual({
    restored: 1,
    failed: 0,
  });
  await invoke("loop-1", 0);
  await until(async () => (await chainSteps("loop-2", "too_deep")) === 1, "the guard to stop the loop");
  await Bun.sleep(100);
  // depth 4: loop-1, loop-2, loop-1, loop-2 — then the guard
  expect(one.calls).toHaveLength(2);
  expect(two.calls).toHaveLength(2);
  expect(metadataOf(two.calls[1]!)["chain-depth"]).toBe("4");
  expect(await chainSteps("loop-1", "started")).toBe(2);
});
