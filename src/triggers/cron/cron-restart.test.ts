import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveSchedules } from "../../domain/schedule-spec";
import type { ResolvedFunction } from "../../domain/resolved-function";
import { createSqliteStore } from "../../store/sqlite/sqlite-store";
import type { ScheduleRows } from "../../store/trigger-rows";
import { CronScheduler } from "./cron-scheduler";
import { ManualClock, RecordingFirer } from "../../../test/support/cron-kit";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-cron-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const report = { name: "report", schedules: resolveSchedules({ schedules: [{ id: "m", cron: "* * * * *" }] }) };

/**
 * One control plane's life on the SQLite file: a scheduler from `startIso` to `stopIso`, firing
 * into `firer` (shared across lives, like the engine's durable idempotency keys are).
 */
async function life(
  path: string,
  firer: RecordingFirer,
  startIso: string,
  stopIso: string,
  rows?: (r: ScheduleRows) => ScheduleRows,
) {
  const store = createSqliteStore({ path });
  const triggers = store.triggers;
  if (!triggers) throw new Error("the sqlite store has trigger rows");
  const clock = new ManualClock(startIso);
  const scheduler = new CronScheduler({
    rows: rows ? rows(triggers.schedules) : triggers.schedules,
    clock,
    firer,
    missedFireGraceMs: 5 * 60_000,
  });
  clock.drive(scheduler);
  scheduler.onRegistered(report as ResolvedFunction);
  await scheduler.start();
  await clock.advanceTo(stopIso);
  scheduler.stop(); // the "crash": nothing more is written
  await store.close();
}

describe("cron fire state survives a restart (same SQLite file)", () => {
  test("no duplicate after a quick restart, late fires within the grace, older ones skipped", async () => {
    const path = join(dir, "restart.db");
    const firer = new RecordingFirer();
    firer.finishAtOnce = true;
    await life(path, firer, "2026-05-01T10:00:30Z", "2026-05-01T10:02:30Z");
    expect(firer.times()).toEqual(["2026-05-01T10:01:00.000Z", "2026-05-01T10:02:00.000Z"]);
    // Restart 20 s later: 10:02 was fired and persisted; it is not fired again.
    await life(path, firer, "2026-05-01T10:02:50Z", "2026-05-01T10:03:10Z");
    expect(firer.times()).toEqual(["2026-05-01T10:01:00.000Z", "2026-05-01T10:02:00.000Z", "2026-05-01T10:03:00.000Z"]);
    // Down from 10:03:10 to 10:06:30: 10:04, 10:05 and 10:06 are within the 5-minute grace → fired late, in order.
    await life(path, firer, "2026-05-01T10:06:30Z", "2026-05-01T10:06:40Z");
    expect(firer.times().slice(3)).toEqual([
      "2026-05-01T10:04:00.000Z",
      "2026-05-01T10:05:00.000Z",
      "2026-05-01T10:06:00.000Z",
    ]);
    // Down for an hour: only the fires of the last five minutes run.
    await life(path, firer, "2026-05-01T11:07:30Z", "2026-05-01T11:07:40Z");
    expect(firer.times().slice(6)).toEqual([
      "2026-05-01T11:03:00.000Z",
      "2026-05-01T11:04:00.000Z",
      "2026-05-01T11:05:00.000Z",
      "2026-05-01T11:06:00.000Z",
      "2026-05-01T11:07:00.000Z",
    ]);
  });

  test("a crash after the enqueue but before the fire time was persisted re-sends the same idempotency key: one execution", async () => {
    const path = join(dir, "crash.db");
    const firer = new RecordingFirer();
    firer.finishAtOnce = true;
    const keys: string[] = [];
    const original = firer.fire.bind(firer);
    firer.fire = (fn, schedule, at, key) => {
      if (key) keys.push(key);
      return original(fn, schedule, at, key);
    };
    // The store accepts the baseline row, then fails every later write (the process dies right after the enqueue).
    let writes = 0;
    const failAfterBaseline = (rows: ScheduleRows): ScheduleRows => ({
      ...rows,
      put: (row) => (++writes === 1 ? rows.put(row) : Promise.reject(new Error("killed"))),
    });
    await life(path, firer, "2026-05-01T10:00:30Z", "2026-05-01T10:01:10Z", failAfterBaseline);
    await life(path, firer, "2026-05-01T10:01:20Z", "2026-05-01T10:01:30Z");
    expect(keys).toEqual([
      `cron:m:${Date.parse("2026-05-01T10:01:00Z")}`,
      `cron:m:${Date.parse("2026-05-01T10:01:00Z")}`,
    ]);
    expect(firer.fires).toHaveLength(1);
  });
});
