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

test("nanofaas triggers lists a function's schedules and webhooks (table and json); unknown function exits 3", async () => {
  const out = await cli.run(["triggers", "report"]);
  expect(out.code).toBe(0);
  expect(out.stdout).toContain("nightly");
  expect(out.stdout).toContain("Europe/Berlin");
  expect(out.stdout).toContain("gh");
  const data = await cli.json<{ schedules: { id: string; nextRuns: string[] }[]; webhooks: { id: string }[] }>([
    "triggers",
    "report",
    "-o",
    "json",
  ]);
  expect(data.schedules[0]?.nextRuns).toHaveLength(5);
  expect(data.webhooks.map((w) => w.id)).toEqual(["gh"]);
  expect(JSON.stringify(data)).not.toContain("whsec_");
  expect((await cli.run(["triggers", "nope"])).code).toBe(3);
});
