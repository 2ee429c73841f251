import { afterAll, beforeAll, expect, test } from "bun:test";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../../../test/support/control-plane";
import { type CliSandbox, cliSandbox } from "../../test/harness";

let served: Served;
let cli: CliSandbox;
beforeAll(async () => {
  served = serveControlPlane(testControlPlane());
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url });
  const fn = {
    name: "report",
    executionMode: "LOCAL",
    schedules: [{ id: "nightly", cron: "30 2 * * *", timezone: "Europe/Berlin" }],
  };
  expect((await served.cp.app.request("/v1/functions", jsonRequest("POST", fn))).status).toBe(201);
  const hook = { id: "gh", function: "report", format: "github" };
  expect((await served.cp.app.request("/v1/webhooks", jsonRequest("POST", hook))).status).toBe(201);
});
afterAll(async () => {
  await served.stop();
  cli.cleanup();
});

test("nanofaas triggers lists schedules and webhooks with state and next fire (table and json); unknown function exits 3", async () => {
  const out = await cli.run(["triggers", "report"]);
  expect(out.code).toBe(0);
  expect(out.stdout).toContain("nightly");
  expect(out.stdout).toContain("Europe/Berlin");
  expect(out.stdout).toContain("gh");
  const data = await cli.json<{ type: string; id: string; state: string; nextFireAt: string | null }[]>([
    "triggers",
    "-o",
    "json",
  ]);
  expect(data.map((t) => `${t.type}/${t.id}/${t.state}`)).toEqual(["cron/nightly/active", "webhook/gh/active"]);
  expect(Date.parse(data[0]?.nextFireAt ?? "")).toBeGreaterThan(Date.now());
  expect(JSON.stringify(data)).not.toContain("whsec_");
  const cron = await cli.json<{ id: string }[]>(["triggers", "--type", "cron", "-o", "json"]);
  expect(cron.map((t) => t.id)).toEqual(["nightly"]);
  expect((await cli.run(["triggers", "nope"])).code).toBe(3);
});

test("nanofaas fn get shows the function's triggers", async () => {
  const out = await cli.run(["fn", "get", "report"]);
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(/trigger cron\/nightly\s+active; 30 2 \* \* \* \(Europe\/Berlin\), overlap skip; next 20/);
  expect(out.stdout).toMatch(/trigger webhook\/gh\s+active; github, async/);
});
