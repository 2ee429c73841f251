/**
 * The DLQ through the API (app.request, memory store): an async execution of a function that
 * always fails lands in the DLQ after its retries, and is listed, read, replayed, deleted and
 * purged as SPEC-platform §1 says.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";
import type { ControlPlane } from "../../control-plane";

let pod: ReturnType<typeof Bun.serve>;
let calls = 0;
beforeAll(() => {
  // A POOL pod that always answers 500, counting the attempts it saw.
  pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () => {
      calls++;
      return new Response("boom", { status: 500 });
    },
  });
});
afterAll(() => pod.stop(true));

const failing = (name: string, extra: object = {}) => ({
  name,
  image: "x",
  executionMode: "POOL",
  endpointUrl: pod.url.href,
  maxRetries: 2,
  retryBackoff: { baseDelayMs: 1, maxDelayMs: 1, jitter: 0 },
  ...extra,
});

async function setup(...names: string[]): Promise<ControlPlane> {
  const cp = testControlPlane();
  for (const name of names) {
    expect((await cp.app.request("/v1/functions", jsonRequest("POST", failing(name)))).status).toBe(201);
  }
  return cp;
}

/** Enqueues `input` and waits until the execution is terminal and its DLQ add has settled. */
async function deadLetter(cp: ControlPlane, name: string, input: string): Promise<string> {
  const res = await cp.app.request(`/v1/functions/${name}:enqueue`, jsonRequest("POST", `{"input":${input}}`));
  const { executionId } = (await res.json()) as { executionId: string };
  await waitTerminal(cp, executionId);
  await cp.deadLetters.settled();
  return executionId;
}

async function waitTerminal(cp: ControlPlane, id: string): Promise<string> {
  for (let i = 0; i < 2000; i++) {
    const status = cp.engine.execution(id)?.status;
    if (status === "success" || status === "error" || status === "timeout") return id;
    await Bun.sleep(2);
  }
  throw new Error(`execution ${id} did not finish`);
}

const get = async (cp: ControlPlane, path: string) => {
  const res = await cp.app.request(path);
  type Body = { items: Record<string, unknown>[]; [key: string]: unknown };
  return { status: res.status, body: (await res.json()) as Body };
};

describe("dead-letter queue API", () => {
  test("an async execution that exhausts its attempts is listed and read with its request, error and attempts", async () => {
    const cp = await setup("always-fails");
    const before = calls;
    const executionId = await deadLetter(cp, "always-fails", '{"n": 12345678901234567890, "x": 7.0}');
    expect(calls - before).toBe(2);
    const list = await get(cp, "/v1/dlq");
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items).toHaveLength(1);
    const entry = list.body.items[0]!;
    expect(entry).toMatchObject({ function: "always-fails", executionId, attempts: 2, replayedAs: null });
    expect((entry.error as { code: string }).code).toBe("POOL_ERROR");
    expect(new Date(entry.failedAt as string).toISOString()).toBe(entry.failedAt as string);
    const one = await cp.app.request(`/v1/dlq/${entry.id}`);
    expect(one.status).toBe(200);
    // The input leaves byte for byte as it came in.
    expect(await one.text()).toContain('"input":{"n": 12345678901234567890, "x": 7.0}');
    expect(await get(cp, "/v1/dlq/nope")).toMatchObject({ status: 404, body: { error: "NOT_FOUND" } });
  });

  test("sync failures and successes are not dead letters", async () => {
    const cp = await setup("sync-fails");
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", image: "x", executionMode: "LOCAL" }));
    expect((await cp.app.request("/v1/functions/sync-fails:invoke", jsonRequest("POST", { input: 1 }))).status).toBe(
      200,
    );
    await deadLetter(cp, "echo", "1");
    expect((await get(cp, "/v1/dlq")).body.items).toEqual([]);
  });

  test("replay starts a new async execution linked to the original, and a second replay is 409", async () => {
    const cp = await setup("replayed");
    const original = await deadLetter(cp, "replayed", '{"a": 1}');
    const [entry] = (await get(cp, "/v1/dlq")).body.items as { id: string }[];
    const res = await cp.app.request(`/v1/dlq/${entry!.id}:replay`, { method: "POST" });
    expect(res.status).toBe(202);
    const replay = (await res.json()) as { executionId: string; status: string };
    expect(replay.status).toBe("queued");
    expect(replay.executionId).not.toBe(original);
    const view = await get(cp, `/v1/executions/${replay.executionId}`);
    expect(view.body).toMatchObject({ function: "replayed", parentExecutionId: original, rootExecutionId: original });
    expect((await get(cp, `/v1/dlq/${entry!.id}`)).body.replayedAs).toBe(replay.executionId);
    const again = await cp.app.request(`/v1/dlq/${entry!.id}:replay`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toContain(replay.executionId);
    // The replay fails too: it gets its own entry, whose replay links back to the same root.
    await waitTerminal(cp, replay.executionId);
    await cp.deadLetters.settled();
    const items = (await get(cp, "/v1/dlq?function=replayed")).body.items as { id: string; executionId: string }[];
    const second = items.find((item) => item.executionId === replay.executionId);
    const third = await cp.app.request(`/v1/dlq/${second!.id}:replay`, { method: "POST" });
    const thirdId = ((await third.json()) as { executionId: string }).executionId;
    expect((await get(cp, `/v1/executions/${thirdId}`)).body).toMatchObject({
      parentExecutionId: replay.executionId,
      rootExecutionId: original,
    });
  });

  test("replay of a function that no longer exists is 404 with the reason, and the entry is kept", async () => {
    const cp = await setup("gone");
    await deadLetter(cp, "gone", "1");
    const [entry] = (await get(cp, "/v1/dlq")).body.items as { id: string }[];
    expect((await cp.app.request("/v1/functions/gone", { method: "DELETE" })).status).toBe(204);
    const res = await cp.app.request(`/v1/dlq/${entry!.id}:replay`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toContain("Function 'gone' no longer exists");
    expect((await get(cp, `/v1/dlq/${entry!.id}`)).status).toBe(200);
    expect((await cp.app.request("/v1/dlq/nope:replay", { method: "POST" })).status).toBe(404);
  });

  test("DELETE answers 204 then 404; purge needs confirm: true and counts what it deleted", async () => {
    const cp = await setup("p1", "p2");
    for (const name of ["p1", "p1", "p2"]) await deadLetter(cp, name, "1");
    const [first] = (await get(cp, "/v1/dlq?function=p1")).body.items as { id: string }[];
    expect((await cp.app.request(`/v1/dlq/${first!.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await cp.app.request(`/v1/dlq/${first!.id}`, { method: "DELETE" })).status).toBe(404);
    for (const body of [{}, { confirm: false }, { confirm: "yes" }, { function: "", confirm: true }]) {
      const res = await cp.app.request("/v1/dlq:purge", jsonRequest("POST", body));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe("VALIDATION_ERROR");
    }
    const p2 = await cp.app.request("/v1/dlq:purge", jsonRequest("POST", { function: "p2", confirm: true }));
    expect(await p2.json()).toEqual({ purged: 1 });
    const all = await cp.app.request("/v1/dlq:purge", jsonRequest("POST", { confirm: true }));
    expect(await all.json()).toEqual({ purged: 1 });
    expect((await get(cp, "/v1/dlq")).body.items).toEqual([]);
  });

  test("list limits and cursors: pages without repeats, limit over 500 or garbage cursor is 400", async () => {
    const cp = await setup("paged");
    for (let i = 0; i < 5; i++) await deadLetter(cp, "paged", String(i));
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page = await get(cp, `/v1/dlq?limit=2${next ? `&cursor=${next}` : ""}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.items as { input: number }[]).map((item) => String(item.input)));
      next = page.body.nextCursor as string | null;
    } while (next);
    expect(seen).toEqual(["4", "3", "2", "1", "0"]);
    for (const query of ["limit=501", "limit=0", "limit=abc", "limit=1.5"]) {
      expect(await get(cp, `/v1/dlq?${query}`)).toMatchObject({ status: 400, body: { error: "VALIDATION_ERROR" } });
    }
    expect(await get(cp, "/v1/dlq?cursor=garbage")).toMatchObject({ status: 400, body: { error: "BAD_REQUEST" } });
  });

  test("a custom verb asked with the wrong method is 405 with Allow: POST, not a lookup", async () => {
    const cp = await setup();
    for (const [method, path] of [
      ["GET", "/v1/dlq:purge"],
      ["DELETE", "/v1/dlq:purge"],
      ["GET", "/v1/dlq/some-id:replay"],
    ]) {
      const res = await cp.app.request(path!, { method });
      expect([res.status, res.headers.get("allow")]).toEqual([405, "POST"]);
      expect(((await res.json()) as { error: string }).error).toBe("METHOD_NOT_ALLOWED");
    }
  });

  test("metrics: size per function, added, replayed and purged", async () => {
    const cp = await setup("m1", "m2");
    await deadLetter(cp, "m1", "1");
    await deadLetter(cp, "m1", "2");
    await deadLetter(cp, "m2", "3");
    const [entry] = (await get(cp, "/v1/dlq?function=m2")).body.items as { id: string }[];
    await cp.app.request(`/v1/dlq/${entry!.id}:replay`, { method: "POST" });
    await cp.app.request("/v1/dlq:purge", jsonRequest("POST", { function: "m1", confirm: true }));
    const text = await cp.metricsRegistry.metrics();
    expect(text).toContain('dlq_added_total{function="m1"} 2');
    expect(text).toContain('dlq_replayed_total{function="m2"} 1');
    expect(text).toContain('dlq_purged_total{function="m1"} 2');
    expect(text).toContain('dlq_entries{function="m2"} 1');
    expect(text).not.toContain('dlq_entries{function="m1"}');
  });
});
