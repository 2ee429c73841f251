import { describe, expect, test } from "bun:test";
import { resolveSchedules, type ScheduleSpec } from "../../domain/schedule-spec";
import type { ResolvedFunction } from "../../domain/resolved-function";
import { createMemoryTriggerRows } from "../../store/memory/trigger-rows";
import type { ScheduleRows } from "../../store/trigger-rows";
import { CronScheduler } from "./cron-scheduler";
import { ManualClock, RecordingFirer } from "../../../test/support/cron-kit";

const DAY = 86_400_000;
const fnWith = (schedules: ScheduleSpec[], name = "report"): ResolvedFunction =>
  ({ name, schedules: resolveSchedules({ schedules }) }) as ResolvedFunction;

async function setUp(
  startIso: string,
  schedules: ScheduleSpec[],
  rows: ScheduleRows = createMemoryTriggerRows().schedules,
) {
  const clock = new ManualClock(startIso);
  const firer = new RecordingFirer();
  const scheduler = new CronScheduler({ rows, clock, firer, missedFireGraceMs: 5 * 60_000, maxSleepMs: DAY });
  clock.drive(scheduler);
  scheduler.onRegistered(fnWith(schedules));
  await scheduler.start();
  return { clock, firer, scheduler };
}

async function setUpFinishing(startIso: string, schedules: ScheduleSpec[]) {
  const kit = await setUp(startIso, schedules);
  kit.firer.finishAtOnce = true;
  return kit;
}

describe("cron across DST changes", () => {
  test("Europe/Berlin: 02:30 daily fires once on the spring-forward day (03:00 CEST) and once on the fall-back day", async () => {
    const { clock, firer } = await setUpFinishing("2026-03-27T12:00:00Z", [
      { id: "nightly", cron: "30 2 * * *", timezone: "Europe/Berlin" },
    ]);
    await clock.advanceTo("2026-03-31T00:00:00Z");
    // CET 02:30 = 01:30Z; on 29 March 02:30 does not exist: croner fires at 03:00 CEST = 01:00Z; then CEST 02:30 = 00:30Z.
    expect(firer.times()).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"]);
    await clock.advanceTo("2026-10-24T12:00:00Z");
    firer.fires.length = 0;
    await clock.advanceTo("2026-10-27T00:00:00Z");
    // 25 October: 02:30 happens twice (CEST, then CET); it fires once, at the first.
    expect(firer.times()).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
  });

  test("America/New_York: 09:00 moves from 14:00Z to 13:00Z in March and back in November; 01:30 fires once on the fall-back night", async () => {
    const { clock, firer } = await setUpFinishing("2026-03-06T00:00:00Z", [
      { id: "morning", cron: "0 9 * * *", timezone: "America/New_York" },
      { id: "late", cron: "30 1 * * *", timezone: "America/New_York" },
    ]);
    await clock.advanceTo("2026-03-10T00:00:00Z");
    const morning = () => firer.fires.filter((f) => f.schedule === "morning").map((f) => f.scheduledAt);
    expect(morning()).toEqual([
      "2026-03-06T14:00:00.000Z",
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
    ]);
    await clock.advanceTo("2026-10-31T00:00:00Z");
    firer.fires.length = 0;
    await clock.advanceTo("2026-11-03T00:00:00Z");
    expect(morning()).toEqual(["2026-10-31T13:00:00.000Z", "2026-11-01T14:00:00.000Z", "2026-11-02T14:00:00.000Z"]);
    const late = firer.fires.filter((f) => f.schedule === "late").map((f) => f.scheduledAt);
    // 1 November 01:30 EDT (05:30Z) happens again as 01:30 EST (06:30Z): one fire only.
    expect(late).toEqual(["2026-10-31T05:30:00.000Z", "2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
  });
});

describe("overlap", () => {
  test("skip: no fire while the previous execution runs; fires again once it ended", async () => {
    const { clock, firer } = await setUp("2026-05-01T10:00:30Z", [{ id: "m", cron: "* * * * *", overlap: "skip" }]);
    await clock.advanceTo("2026-05-01T10:03:30Z");
    expect(firer.times()).toEqual(["2026-05-01T10:01:00.000Z"]);
    firer.finishAll();
    await clock.advanceTo("2026-05-01T10:04:30Z");
    expect(firer.times()).toEqual(["2026-05-01T10:01:00.000Z", "2026-05-01T10:04:00.000Z"]);
  });

  test("queue: fires wait for the previous execution and then start in order, each with its own scheduled time", async () => {
    const { clock, firer, scheduler } = await setUp("2026-05-01T10:00:30Z", [
      { id: "m", cron: "* * * * *", overlap: "queue" },
    ]);
    await clock.advanceTo("2026-05-01T10:03:30Z");
    expect(firer.times()).toEqual(["2026-05-01T10:01:00.000Z"]);
    firer.finishAll();
    scheduler.executionFinished(firer.fires[0]?.executionId ?? "");
    await scheduler.idle();
    expect(firer.times()).toEqual(["2026-05-01T10:01:00.000Z", "2026-05-01T10:02:00.000Z"]);
    firer.finishAll();
    scheduler.executionFinished(firer.fires[1]?.executionId ?? "");
    await scheduler.idle();
    expect(firer.times().at(-1)).toBe("2026-05-01T10:03:00.000Z");
    expect(firer.fires).toHaveLength(3);
  });
});

describe("pause and resume", () => {
  test("a paused schedule does not fire; resuming continues from now without catching up", async () => {
    const { clock, firer, scheduler } = await setUp("2026-05-01T10:00:30Z", [{ id: "m", cron: "* * * * *" }]);
    await clock.advanceTo("2026-05-01T10:01:30Z");
    firer.finishAll();
    const paused = await scheduler.pause("report", "m");
    expect(paused.enabled).toBe(false);
    expect(paused.nextRuns).toEqual([]);
    await clock.advanceTo("2026-05-01T10:06:30Z");
    expect(firer.fires).toHaveLength(1);
    const resumed = await scheduler.resume("report", "m");
    expect(resumed.nextRuns[0]).toBe("2026-05-01T10:07:00.000Z");
    expect(resumed.nextRuns).toHaveLength(5);
    await clock.advanceTo("2026-05-01T10:07:30Z");
    expect(firer.times()).toEqual(["2026-05-01T10:01:00.000Z", "2026-05-01T10:07:00.000Z"]);
  });

  test("unknown schedules are NOT_FOUND", async () => {
    const { scheduler } = await setUp("2026-05-01T10:00:30Z", [{ id: "m", cron: "* * * * *" }]);
    await expect(scheduler.pause("report", "nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(scheduler.trigger("other", "m")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("leadership", () => {
  test("a follower does not fire; once leader it fires the due times within the grace", async () => {
    const clock = new ManualClock("2026-05-01T10:00:30Z");
    const firer = new RecordingFirer();
    let leader = false;
    const scheduler = new CronScheduler({
      rows: createMemoryTriggerRows().schedules,
      clock,
      firer,
      missedFireGraceMs: 60_000,
      isLeader: () => leader,
    });
    clock.drive(scheduler);
    firer.finishAtOnce = true;
    scheduler.onRegistered(fnWith([{ id: "m", cron: "* * * * *" }]));
    await scheduler.start();
    await clock.advanceTo("2026-05-01T10:05:30Z");
    expect(firer.fires).toHaveLength(0);
    leader = true;
    await clock.advanceTo("2026-05-01T10:06:30Z");
    // 10:05 is within the one-minute grace at the 10:06 tick; 10:01–10:04 are older and skipped.
    expect(firer.times()).toEqual(["2026-05-01T10:05:00.000Z", "2026-05-01T10:06:00.000Z"]);
  });

  test("a new leader goes on from the fire state the previous leader stored, not from its own stale copy", async () => {
    const rows = createMemoryTriggerRows().schedules; // one store shared by two control planes
    let aLeads = true;
    const replica = (isLeader: () => boolean) => {
      const clock = new ManualClock("2026-05-01T10:00:30Z");
      const firer = new RecordingFirer();
      firer.finishAtOnce = true;
      const scheduler = new CronScheduler({ rows, clock, firer, missedFireGraceMs: 600_000, isLeader });
      clock.drive(scheduler);
      scheduler.onRegistered(fnWith([{ id: "m", cron: "* * * * *" }]));
      return { clock, firer, scheduler };
    };
    const a = replica(() => aLeads);
    const b = replica(() => !aLeads);
    await a.scheduler.start();
    await b.scheduler.start();
    const advanceBoth = async (iso: string) => {
      await a.clock.advanceTo(iso);
      await b.clock.advanceTo(iso);
    };
    await advanceBoth("2026-05-01T10:05:30Z");
    expect(a.firer.fires).toHaveLength(5);
    aLeads = false; // a loses the lease, b gets it
    await advanceBoth("2026-05-01T10:07:30Z");
    expect(a.firer.fires).toHaveLength(5);
    // Not 10:01–10:05 again: b reloaded the stored state when it became leader.
    expect(b.firer.times()).toEqual(["2026-05-01T10:06:00.000Z", "2026-05-01T10:07:00.000Z"]);
  });

  test("a new leader that cannot read the stored fire state fires nothing until it can", async () => {
    const shared = createMemoryTriggerRows().schedules;
    let readable = true;
    const rows = {
      ...shared,
      loadAll: async () => {
        if (!readable) throw new Error("database away");
        return shared.loadAll();
      },
    };
    let leader = false;
    const clock = new ManualClock("2026-05-01T10:00:30Z");
    const firer = new RecordingFirer();
    firer.finishAtOnce = true;
    const scheduler = new CronScheduler({ rows, clock, firer, missedFireGraceMs: 600_000, isLeader: () => leader });
    clock.drive(scheduler);
    scheduler.onRegistered(fnWith([{ id: "m", cron: "* * * * *" }]));
    await scheduler.start();
    readable = false;
    leader = true;
    await clock.advanceTo("2026-05-01T10:02:30Z");
    expect(firer.fires).toHaveLength(0);
    readable = true;
    await clock.advanceTo("2026-05-01T10:03:30Z");
    expect(firer.times()).toEqual(["2026-05-01T10:01:00.000Z", "2026-05-01T10:02:00.000Z", "2026-05-01T10:03:00.000Z"]);
  });
});
