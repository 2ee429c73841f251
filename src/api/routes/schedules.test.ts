/**
 * Cron schedules through the API on a real control plane (LOCAL echo function, memory store,
 * manual clock): validation, the schedules list, :trigger, :pause/:resume, and a timed fire whose
 * execution carries `trigger: {type: "cron", id, scheduledAt}`.
 */
import { describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";
import { ManualClock } from "../../../test/support/cron-kit";

const post = (body: unknown) => jsonRequest("POST", body);

async function setUp(spec: object) {
  const clock = new ManualClock("2026-05-01T10:00:30Z");
  const cp = testControlPlane({}, { cronClock: clock });
  clock.drive(cp.cron);
  const res = await cp.app.request("/v1/functions", post({ name: "report", executionMode: "LOCAL", ...spec }));
  expect(res.status).toBe(201);
  await cp.cron.start();
  return { cp, clock };
}

async function waitForExecution(cp: ReturnType<typeof testControlPlane>, id: string) {
  for (let i = 0; i < 500; i++) {
    const res = await cp.app.request(`/v1/executions/${id}`);
    const body = (await res.json()) as { status: string };
    if (body.status === "success") return body;
    await Bun.sleep(2);
  }
  throw new Error(`${id} did not finish`);
}

describe("schedules in the function spec", () => {
  test.each([
    [{ schedules: [{ id: "a", cron: "61 * * * *" }] }, "schedules.0.cron"],
    [{ schedules: [{ id: "a", cron: "* * * * *", timezone: "Mars/Olympus" }] }, "schedules.0.timezone"],
    [{ schedule: "not cron" }, "schedule"],
    [
      {
        schedules: [
          { id: "a", cron: "* * * * *" },
          { id: "a", cron: "0 * * * *" },
        ],
      },
      "schedules.1.id",
    ],
    [{ schedules: [{ id: "a", cron: "* * * * *", overlap: "later" }] }, "schedules.0.overlap"],
  ])("%j → 400 VALIDATION_ERROR naming %s", async (spec, field) => {
    const cp = testControlPlane();
    const res = await cp.app.request("/v1/functions", post({ name: "bad", executionMode: "LOCAL", ...spec }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe("VALIDATION_ERROR");
    expect(body.message).toContain(field);
  });

  test("the reference's `schedule` string is the schedule `default` (UTC); the function shows its schedules", async () => {
    const { cp } = await setUp({ schedule: "0 12 * * *" });
    const fn = (await (await cp.app.request("/v1/functions/report")).json()) as { schedules: unknown[] };
    expect(fn.schedules).toEqual([
      { id: "default", cron: "0 12 * * *", timezone: "UTC", input: null, enabled: true, overlap: "skip" },
    ]);
    const list = (await (await cp.app.request("/v1/functions/report/schedules")).json()) as {
      items: { id: string; nextRuns: string[]; lastRunAt: string | null }[];
    };
    expect(list.items[0]?.nextRuns).toEqual([
      "2026-05-01T12:00:00.000Z",
      "2026-05-02T12:00:00.000Z",
      "2026-05-03T12:00:00.000Z",
      "2026-05-04T12:00:00.000Z",
      "2026-05-05T12:00:00.000Z",
    ]);
    expect(list.items[0]?.lastRunAt).toBeNull();
  });
});

describe("schedule routes", () => {
  test("a fire is an async execution of the schedule's input carrying its trigger", async () => {
    const { cp, clock } = await setUp({
      schedules: [{ id: "tick", cron: "* * * * *", timezone: "Europe/Berlin", input: { report: "daily" } }],
    });
    await clock.advanceTo("2026-05-01T10:01:05Z");
    const page = (await (await cp.app.request("/v1/executions?function=report")).json()) as {
      items: { executionId: string }[];
    };
    expect(page.items).toHaveLength(1);
    const id = page.items[0]?.executionId ?? "";
    const view = (await waitForExecution(cp, id)) as unknown as Record<string, unknown>;
    expect(view.trigger).toEqual({ type: "cron", id: "tick", scheduledAt: "2026-05-01T10:01:00.000Z" });
    expect(view.output).toEqual({ report: "daily" });
    const list = (await (await cp.app.request("/v1/functions/report/schedules")).json()) as {
      items: { lastRunAt: string; timezone: string }[];
    };
    expect(list.items[0]).toMatchObject({ lastRunAt: "2026-05-01T10:01:00.000Z", timezone: "Europe/Berlin" });
  });

  test(":trigger fires now (202 with the execution id); :pause and :resume answer the schedule", async () => {
    const { cp } = await setUp({ schedules: [{ id: "tick", cron: "0 0 1 1 *", input: 7 }] });
    const fired = await cp.app.request("/v1/functions/report/schedules/tick:trigger", { method: "POST" });
    expect(fired.status).toBe(202);
    const { executionId } = (await fired.json()) as { executionId: string };
    const view = (await waitForExecution(cp, executionId)) as unknown as Record<string, unknown>;
    expect(view.trigger).toMatchObject({ type: "cron", id: "tick" });
    const paused = await cp.app.request("/v1/functions/report/schedules/tick:pause", { method: "POST" });
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ id: "tick", enabled: false, paused: true, nextRuns: [] });
    const resumed = await cp.app.request("/v1/functions/report/schedules/tick:resume", { method: "POST" });
    expect(await resumed.json()).toMatchObject({ enabled: true, paused: false, nextRuns: expect.any(Array) });
  });

  test("unknown function or schedule → 404; GET on a verb → 405", async () => {
    const { cp } = await setUp({ schedule: "* * * * *" });
    expect((await cp.app.request("/v1/functions/nope/schedules")).status).toBe(404);
    expect((await cp.app.request("/v1/functions/report/schedules/nope:pause", { method: "POST" })).status).toBe(404);
    expect((await cp.app.request("/v1/functions/nope/schedules/default:trigger", { method: "POST" })).status).toBe(404);
    expect((await cp.app.request("/v1/functions/report/schedules/default:trigger")).status).toBe(405);
  });
});
