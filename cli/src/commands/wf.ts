/**
 * @module
 * `nanofaas wf apply|run|get|runs|cancel`: workflows (docs/workflows.md). `apply -f` creates the
 * workflow or replaces it (version + 1); `run` starts a run (async, prints the run id) or, with
 * `--wait`, runs it through `:invoke` and prints its end.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { components } from "../../../openapi/client";
import { expectOk, send } from "../api";
import { usageError } from "../errors";
import { cell, render, table } from "../output";
import { type PageFlags, pageOptions, printPage, readPages } from "../pages";
import type { Session } from "../session";

type WorkflowRequest = components["schemas"]["WorkflowRequest"];
type WorkflowRun = components["schemas"]["WorkflowRun"];

async function readDefinition(path: string, cwd: string): Promise<WorkflowRequest> {
  const text = await readFile(resolve(cwd, path), "utf8").catch((error: Error) => {
    throw usageError(`cannot read ${path}: ${error.message}`);
  });
  try {
    return (path.endsWith(".json") ? JSON.parse(text) : (await import("yaml")).parse(text)) as WorkflowRequest;
  } catch (error) {
    throw usageError(`${path} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`);
  }
}

function parseInput(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw usageError(`--input must be JSON, e.g. --input '{"source": "crm"}'`);
  }
}

const runTable = (run: WorkflowRun) =>
  `run ${run.runId}: workflow ${run.workflow} v${run.version}, ${run.status}` +
  (run.error ? ` (${run.error.code}: ${run.error.message})` : "") +
  "\n" +
  table(
    ["STEP", "STATUS", "ATTEMPTS", "EXECUTION", "STARTED", "FINISHED", "ERROR"],
    run.steps.map((s) => [s.id, s.status, s.attempts, s.executionId, s.startedAt, s.finishedAt, s.error?.code]),
  ) +
  (run.status === "success" ? `output: ${cell(run.output)}\n` : "");

export function registerWorkflowCommands(program: Command, session: Session): void {
  const wf = program
    .command("wf")
    .alias("workflow")
    .description("define, run and follow workflows (DAGs of functions)");
  const nameParam = (name: string) => ({ params: { path: { name } } });
  const idParam = (id: string) => ({ params: { path: { id } } });

  wf.command("apply")
    .description("create a workflow from a JSON or YAML file, or replace it (version + 1)")
    .requiredOption("-f, --file <path>", "the definition")
    .action(async (flags: { file: string }) => {
      const def = await readDefinition(flags.file, session.io.cwd);
      const api = await session.api();
      const existing = await send(api, api.client.GET("/v1/workflows/{name}", nameParam(def.name)));
      const { data } =
        existing.response.status === 404
          ? await expectOk(api, api.client.POST("/v1/workflows", { body: def }))
          : await expectOk(api, api.client.PUT("/v1/workflows/{name}", { ...nameParam(def.name), body: def }));
      const verb = data.version === 1 ? "created" : "configured";
      session.io.out(
        await render(
          session.format() ?? "table",
          data,
          () => `workflow/${data.name} ${verb} (version ${data.version})\n`,
        ),
      );
    });

  wf.command("run <name>")
    .description("start a run; prints its id (with --wait: waits and prints its end)")
    .option("--input <json>", "the workflow input ($.input)")
    .option("--wait", "run through :invoke and wait for the end")
    .action(async (name: string, flags: { input?: string; wait?: boolean }) => {
      const body = { input: parseInput(flags.input) };
      const api = await session.api();
      if (!flags.wait) {
        const { data } = await expectOk(api, api.client.POST("/v1/workflows/{name}:run", { ...nameParam(name), body }));
        const hint = `run ${data.runId} started; follow it with: nanofaas wf get ${data.runId}\n`;
        return session.io.out(await render(session.format() ?? "table", data, () => hint));
      }
      const { data } = await expectOk(
        api,
        api.client.POST("/v1/workflows/{name}:invoke", { ...nameParam(name), body }),
      );
      session.io.out(
        await render(
          session.format() ?? "json",
          data,
          () => `run ${data.runId}: ${data.status}\n${cell(data.output)}\n`,
        ),
      );
    });

  wf.command("get <runId>")
    .description("show a run and each step's state")
    .action(async (id: string) => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.GET("/v1/workflow-runs/{id}", idParam(id)));
      session.io.out(await render(session.format() ?? "table", data, () => runTable(data)));
    });

  pageOptions(
    wf
      .command("runs")
      .description("list runs, newest first")
      .option("--workflow <name>", "only this workflow's runs")
      .option("--status <status>", "running | success | error | cancelled | timeout"),
  ).action(async (flags: PageFlags & { workflow?: string; status?: WorkflowRun["status"] }) => {
    const api = await session.api();
    const page = await readPages(flags, async (limit, cursor) => {
      const query = { workflow: flags.workflow, status: flags.status, limit, cursor };
      return (await expectOk(api, api.client.GET("/v1/workflow-runs", { params: { query } }))).data;
    });
    await printPage(session, "nanofaas wf runs", page, (runs: WorkflowRun[]) =>
      table(
        ["RUN", "WORKFLOW", "VERSION", "STATUS", "STARTED", "FINISHED"],
        runs.map((r) => [r.runId, r.workflow, r.version, r.status, r.startedAt, r.finishedAt]),
      ),
    );
  });

  wf.command("cancel <runId>")
    .description("cancel a running run")
    .action(async (id: string) => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.POST("/v1/workflow-runs/{id}:cancel", idParam(id)));
      session.io.out(await render(session.format() ?? "table", data, () => `run ${id} cancelled\n`));
    });
}
