import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../../../test/support/control-plane";
import { type CliSandbox, cliSandbox } from "../../test/harness";

let served: Served;
let cli: CliSandbox;
let file: string;
beforeAll(async () => {
  served = serveControlPlane(testControlPlane());
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url });
  for (const name of ["a", "b"]) {
    expect(
      (await served.cp.app.request("/v1/functions", jsonRequest("POST", { name, executionMode: "LOCAL" }))).status,
    ).toBe(201);
  }
  file = join(cli.home, "wf.yaml");
  writeFileSync(
    file,
    "name: pair\nsteps:\n  - id: first\n    function: a\n  - id: second\n    function: b\n    dependsOn: [first]\noutput: $.steps.second.output\n",
  );
});
afterAll(async () => {
  await served.stop();
  cli.cleanup();
});

test("nanofaas wf apply creates then configures (version 2); a bad definition exits with the server's details", async () => {
  const created = await cli.run(["wf", "apply", "-f", file]);
  expect(created.stdout).toBe("workflow/pair created (version 1)\n");
  expect((await cli.run(["wf", "apply", "-f", file])).stdout).toBe("workflow/pair configured (version 2)\n");
  const bad = join(cli.home, "bad.json");
  writeFileSync(bad, JSON.stringify({ name: "bad", steps: [{ id: "x", function: "ghost" }] }));
  const refused = await cli.run(["wf", "apply", "-f", bad]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain("steps.x: function 'ghost' does not exist");
});

test("nanofaas wf run (async and --wait), get, runs, cancel of an ended run", async () => {
  await cli.run(["wf", "apply", "-f", file]);
  const waited = await cli.json<{ runId: string; status: string; output: unknown }>([
    ...["wf", "run", "pair", "--wait", "--input", '{"n": 7}', "-o", "json"],
  ]);
  expect(waited).toMatchObject({ status: "success", output: { n: 7 } });
  const started = await cli.json<{ runId: string }>(["wf", "run", "pair", "--input", "[1]", "-o", "json"]);
  const run = await (async () => {
    for (;;) {
      const current = await cli.json<{ status: string }>(["wf", "get", started.runId, "-o", "json"]);
      if (current.status !== "running") return current;
      await Bun.sleep(5);
    }
  })();
  expect(run.status).toBe("success");
  const table = await cli.run(["wf", "get", started.runId]);
  expect(table.stdout).toContain("first");
  expect(table.stdout).toContain("success");
  const runs = await cli.run(["wf", "runs", "--workflow", "pair"]);
  expect(runs.stdout).toContain(started.runId);
  expect(runs.stdout).toContain(waited.runId);
  const again = await cli.run(["wf", "cancel", started.runId]);
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain("CONFLICT");
  expect((await cli.run(["wf", "run", "pair", "--input", "{nope"])).stderr).toContain("--input must be JSON");
});
