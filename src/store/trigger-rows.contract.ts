/**
 * The triggers sub-store's contract (issue 21), run against every store that has one (SQLite in
 * the unit tests, PostgreSQL in the tools tier): webhooks, cron fire state and an execution's
 * trigger survive closing and reopening the store; deletes delete.
 */
import { expect, test } from "bun:test";
import type { ExecutionRow, StateStore } from "./state-store";
import type { ScheduleStateRow, WebhookRow } from "./trigger-rows";

export interface TriggerRowsHarness {
  open(): Promise<StateStore>;
  /** Closes `store` and opens the same database again. */
  reopen(store: StateStore): Promise<StateStore>;
}

const hook: WebhookRow = {
  id: "gh",
  function: "echo",
  format: "github",
  mode: "sync",
  filters: [{ field: "body:ref", values: ["main"] }],
  secret: "whsec_a",
  previousSecret: "whsec_b",
  previousSecretExpiresAt: 5,
  createdAt: 1,
  updatedAt: 2,
};

const state: ScheduleStateRow = {
  function: "echo",
  scheduleId: "m",
  lastScheduledAt: 60_000,
  lastRunAt: 61_000,
  lastExecutionId: "e1",
  paused: true,
  pending: [120_000],
};

const execution = (id: string, trigger: ExecutionRow["trigger"]): ExecutionRow => ({
  id,
  function: "echo",
  lane: "async",
  status: "queued",
  attempts: 1,
  input: "1",
  metadata: null,
  idempotencyKey: null,
  trace: {},
  output: null,
  error: null,
  createdAt: 1,
  startedAt: null,
  finishedAt: null,
  coldStart: false,
  initDurationMs: null,
  parentExecutionId: null,
  rootExecutionId: null,
  trigger,
});

export function triggerRowsContract(name: string, harness: TriggerRowsHarness): void {
  test(`${name}: webhooks, cron fire state and an execution's trigger survive a reopen`, async () => {
    const first = await harness.open();
    const triggers = first.triggers;
    if (!triggers) throw new Error(`${name} has no triggers sub-store`);
    await triggers.webhooks.put({ ...hook, secret: "whsec_old" });
    await triggers.webhooks.put(hook); // a rotation replaces the row
    await triggers.webhooks.put({ ...hook, id: "gone" });
    expect(await triggers.webhooks.delete("gone")).toBe(true);
    expect(await triggers.webhooks.delete("gone")).toBe(false);
    await triggers.schedules.put({ ...state, paused: false, pending: [] });
    await triggers.schedules.put(state);
    await triggers.schedules.put({ ...state, function: "other" });
    const cron = { type: "cron" as const, id: "m", scheduledAt: "1970-01-01T00:01:00.000Z" };
    await first.executions.accept(execution("e1", cron));
    first.executions.record(execution("e2", null));
    await first.executions.flush();
    const second = await harness.reopen(first);
    try {
      expect(await second.triggers?.webhooks.loadAll()).toEqual([hook]);
      const schedules = await second.triggers?.schedules.loadAll();
      expect(schedules?.sort((a, b) => a.function.localeCompare(b.function))).toEqual([
        state,
        { ...state, function: "other" },
      ]);
      expect((await second.executions.get("e1"))?.trigger).toEqual(cron);
      expect((await second.executions.get("e2"))?.trigger ?? null).toBeNull();
      await second.triggers?.schedules.deleteFunction("echo");
      expect(await second.triggers?.schedules.loadAll()).toEqual([{ ...state, function: "other" }]);
    } finally {
      await second.close();
    }
  });
}
