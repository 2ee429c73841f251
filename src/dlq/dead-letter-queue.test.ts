/**
 * The DLQ against the engine (ManualDispatcher): which failures become entries, that an add the
 * store cannot persist is logged and counted without disturbing the engine, and retention.
 */
import { describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import pino from "pino";
import { setup } from "../../test/support/engine";
import { until } from "../../test/support/until";
import { createMemoryDeadLetterRows } from "../store/memory/dlq";
import { type DeadLetterRows, StoreUnavailableError } from "../store/state-store";
import { DeadLetterQueue } from "./dead-letter-queue";
import { createDlqMetrics } from "./dlq-metrics";

function withDlq(rows: DeadLetterRows = createMemoryDeadLetterRows(), now = () => Date.now()) {
  const lines: string[] = [];
  const logger = pino({ level: "error" }, { write: (line: string) => void lines.push(line) });
  const registry = new Registry();
  let dlq: DeadLetterQueue | undefined;
  const harness = setup({}, undefined, { observer: { onFinished: (record) => dlq?.observer.onFinished?.(record) } });
  dlq = new DeadLetterQueue({
    rows,
    invoker: harness.engine,
    metrics: createDlqMetrics(registry, () => rows.sizes()),
    logger,
    now,
  });
  return { ...harness, dlq, rows, registry, lines };
}

describe("what becomes a dead letter", () => {
  test("an async execution whose retry finds its lane full is dead-lettered with the last error", async () => {
    const { engine, dispatcher, register, dlq, settle } = withDlq();
    register({ name: "f", concurrency: 1, queueSize: 1, maxRetries: 3 });
    const first = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    engine.enqueue("f", { input: 2 }, {}); // fills the lane
    dispatcher.fail(dispatcher.pending[0], "POOL_ERROR", "first failed");
    await settle();
    await dlq.settled();
    const { items } = await dlq.list({ limit: 10 });
    expect(items).toMatchObject([
      { executionId: first.executionId, attempts: 2, error: { message: "first failed" }, input: "1" },
    ]);
  });

  test("removed functions and shutdown are not dead letters", async () => {
    const { engine, register, dlq, settle } = withDlq();
    const fn = register({ name: "f", maxRetries: 1 });
    engine.enqueue("f", { input: 1 }, {});
    engine.onRemoved(fn);
    register({ name: "g", maxRetries: 1 });
    engine.enqueue("g", { input: 1 }, {});
    await settle();
    engine.failPending("SHUTDOWN", "bye");
    await dlq.settled();
    expect((await dlq.list({ limit: 10 })).items).toEqual([]);
  });
});

describe("when the store cannot persist", () => {
  test("the add is logged and counted; the engine finishes the execution and carries on", async () => {
    const rows = createMemoryDeadLetterRows();
    rows.add = async () => {
      throw new StoreUnavailableError("disk full");
    };
    const { engine, dispatcher, register, dlq, registry, lines, settle } = withDlq(rows);
    register({ name: "f", maxRetries: 1 });
    const { executionId } = await engine.enqueue("f", { input: 1 }, {});
    await settle();
    dispatcher.fail(dispatcher.pending[0]);
    await settle();
    await dlq.settled();
    expect(engine.execution(executionId)?.status).toBe("error");
    expect(await registry.getSingleMetricAsString("dlq_persist_failures_total")).toContain(
      "dlq_persist_failures_total 1",
    );
    expect(lines.join("")).toContain(executionId);
    expect(lines.join("")).toContain("disk full");
  });
});

describe("retention", () => {
  test("sweep deletes entries older than the retention and counts them as purged", async () => {
    let now = 1_000_000;
    const { dlq, rows, registry } = withDlq(createMemoryDeadLetterRows(), () => now);
    const base = { input: "1", metadata: null, error: null, attempts: 1, replayedAs: null, rootExecutionId: null };
    await rows.add({ ...base, id: "old", function: "f", executionId: "e1", failedAt: now - 5000 });
    await rows.add({ ...base, id: "new", function: "f", executionId: "e2", failedAt: now - 100 });
    expect(await dlq.sweep(1000)).toBe(1);
    expect((await dlq.list({ limit: 10 })).items.map((row) => row.id)).toEqual(["new"]);
    expect(await registry.getSingleMetricAsString("dlq_purged_total")).toContain('dlq_purged_total{function="f"} 1');
  });

  test("the periodic sweep runs only while this control plane leads (one sweeper per shared store)", async () => {
    const now = 1_000_000;
    const { dlq, rows } = withDlq(createMemoryDeadLetterRows(), () => now);
    const base = { input: "1", metadata: null, error: null, attempts: 1, replayedAs: null, rootExecutionId: null };
    await rows.add({ ...base, id: "old", function: "f", executionId: "e1", failedAt: now - 5000 });
    let leader = false;
    const stop = dlq.startSweeping(1000, () => leader); // a tick every second
    try {
      await Bun.sleep(1_300);
      expect((await dlq.list({ limit: 10 })).items).toHaveLength(1); // a follower swept nothing
      leader = true;
      await until(async () => (await dlq.list({ limit: 10 })).items.length === 0, "the leader sweeps", 3_000);
    } finally {
      stop();
    }
  });
});
