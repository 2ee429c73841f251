import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WebhookRow } from "../trigger-rows";
import { createSqliteStore } from "./sqlite-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-trigger-rows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("webhooks, cron fire state and an execution's trigger survive closing and reopening the file", async () => {
  const path = join(dir, "t.db");
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
  const state = {
    function: "echo",
    scheduleId: "m",
    lastScheduledAt: 60_000,
    lastRunAt: 61_000,
    lastExecutionId: "e1",
    paused: true,
    pending: [120_000],
  };
  const first = createSqliteStore({ path });
  await first.triggers?.webhooks.put(hook);
  await first.triggers?.webhooks.put({ ...hook, id: "gone" });
  expect(await first.triggers?.webhooks.delete("gone")).toBe(true);
  await first.triggers?.schedules.put(state);
  first.executions.record({
    id: "e1",
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
    trigger: { type: "cron", id: "m", scheduledAt: "1970-01-01T00:01:00.000Z" },
  });
  await first.close();
  const second = createSqliteStore({ path });
  expect(await second.triggers?.webhooks.loadAll()).toEqual([hook]);
  expect(await second.triggers?.schedules.loadAll()).toEqual([state]);
  expect((await second.executions.get("e1"))?.trigger).toEqual({
    type: "cron",
    id: "m",
    scheduledAt: "1970-01-01T00:01:00.000Z",
  });
  await second.triggers?.schedules.deleteFunction("echo");
  expect(await second.triggers?.schedules.loadAll()).toEqual([]);
  await second.close();
});
