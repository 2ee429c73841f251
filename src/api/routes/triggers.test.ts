/**
 * GET /v1/triggers and the `triggers` of GET /v1/functions/{name} on a real control plane (memory
 * store): cron schedules with their state and next fire, a webhook with its last delivery and a
 * rejected one, message-queue sources that did not start and why; filters; no secret or URL leaks.
 */
import { expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";
import type { TriggerView } from "../../triggers/trigger-catalog";
import { sign } from "../../triggers/webhooks/signatures";

const post = (body: unknown) => jsonRequest("POST", body);
type Cp = ReturnType<typeof testControlPlane>;

async function setUp(): Promise<{ cp: Cp; secret: string }> {
  const cp = testControlPlane();
  const fn = {
    name: "report",
    executionMode: "LOCAL",
    schedules: [
      { id: "nightly", cron: "30 2 * * *", timezone: "Europe/Berlin" },
      { id: "off", cron: "* * * * *", enabled: false },
      { id: "weekly", cron: "0 9 * * 1" },
    ],
    eventSources: [
      { type: "nats", url: "nats://user:hunter2@broker:4222", stream: "ORDERS", subject: "orders.>", durable: "fn" },
      { type: "rabbitmq", urlFromEnv: "NANOFAAS_SOURCE_RABBIT", queue: "jobs" },
    ],
  };
  expect((await cp.app.request("/v1/functions", post(fn))).status).toBe(201);
  expect((await cp.app.request("/v1/functions", post({ name: "other", executionMode: "LOCAL" }))).status).toBe(201);
  expect((await cp.app.request("/v1/functions/report/schedules/weekly:pause", { method: "POST" })).status).toBe(200);
  const res = await cp.app.request("/v1/webhooks", post({ id: "gh", function: "report", format: "github" }));
  const { secret } = (await res.json()) as { secret: string };
  return { cp, secret };
}

async function list(cp: Cp, query = ""): Promise<TriggerView[]> {
  const res = await cp.app.request(`/v1/triggers${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: TriggerView[] }).items;
}

const byKey = (items: TriggerView[]) => new Map(items.map((t) => [`${t.type}/${t.id}`, t]));

test("every trigger of every function, with its state, next fire and detail; no secret or URL", async () => {
  const { cp } = await setUp();
  const res = await cp.app.request("/v1/triggers");
  const text = await res.text();
  expect(text).not.toContain("whsec_");
  expect(text).not.toContain("hunter2");
  expect(text).not.toContain("broker:4222");
  const items = (JSON.parse(text) as { items: TriggerView[] }).items;
  expect(items.map((t) => `${t.function} ${t.type}/${t.id}`)).toEqual([
    "report cron/nightly",
    "report cron/off",
    "report cron/weekly",
    "report nats/ORDERS/fn",
    "report rabbitmq/jobs",
    "report webhook/gh",
  ]);
  const t = byKey(items);
  expect(t.get("cron/nightly")).toMatchObject({ state: "active", detail: "30 2 * * * (Europe/Berlin), overlap skip" });
  expect(Date.parse(t.get("cron/nightly")?.nextFireAt ?? "")).toBeGreaterThan(Date.now());
  expect(t.get("cron/off")).toMatchObject({ state: "disabled", nextFireAt: null });
  expect(t.get("cron/weekly")).toMatchObject({ state: "paused", nextFireAt: null });
  // No consumer runs in this control plane (main.ts starts them): the sources say so.
  expect(t.get("nats/ORDERS/fn")).toMatchObject({ state: "not-started", detail: "stream ORDERS, subject orders.>" });
  expect(t.get("webhook/gh")).toMatchObject({ state: "active", detail: "github, async", lastFireAt: null });
});

test("a webhook's delivery and its rejected one show as lastFireAt and lastError", async () => {
  const { cp, secret } = await setUp();
  const body = '{"a":1}';
  const good = { "content-type": "application/json", "x-hub-signature-256": sign("github", secret, body, Date.now()) };
  expect((await cp.app.request("/v1/webhooks/gh", { method: "POST", headers: good, body })).status).toBe(202);
  const bad = { "content-type": "application/json", "x-hub-signature-256": sign("github", "whsec_x", body, 0) };
  expect((await cp.app.request("/v1/webhooks/gh", { method: "POST", headers: bad, body })).status).toBe(401);
  const hook = byKey(await list(cp, "?type=webhook")).get("webhook/gh");
  expect(Date.now() - Date.parse(hook?.lastFireAt ?? "")).toBeLessThan(60_000);
  expect(hook?.lastError?.message).toContain("signature rejected");
});

test("filters by function and type; GET of one function carries its triggers, the list does not", async () => {
  const { cp } = await setUp();
  expect((await list(cp, "?type=cron")).map((t) => t.id)).toEqual(["nightly", "off", "weekly"]);
  expect(await list(cp, "?function=other")).toEqual([]);
  const fn = (await (await cp.app.request("/v1/functions/report")).json()) as { triggers: TriggerView[] };
  expect(fn.triggers.map((t) => `${t.type}/${t.id}`)).toEqual(
    (await list(cp, "?function=report")).map((t) => `${t.type}/${t.id}`),
  );
  const all = (await (await cp.app.request("/v1/functions")).json()) as { triggers?: unknown }[];
  expect(all.every((f) => f.triggers === undefined)).toBe(true);
});

test("an unknown function → 404, an unknown type → 400, both in the error envelope", async () => {
  const { cp } = await setUp();
  const missing = await cp.app.request("/v1/triggers?function=nope");
  expect(missing.status).toBe(404);
  expect(await missing.json()).toMatchObject({ error: "NOT_FOUND" });
  const bad = await cp.app.request("/v1/triggers?type=kafka");
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toBe("VALIDATION_ERROR");
});
