/**
 * @module
 * `nanofaas fn list|get|describe|apply|delete|versions|rollback` (`traffic` and `promote`: traffic.ts). `apply` creates the function, or updates it in place
 * (`PUT /v1/functions/{name}`: a new version, queued work kept) when the registered spec differs,
 * and does nothing when it matches (see spec-diff.ts for what "matches" means). Against a server
 * without PUT (405) it falls back to delete and re-create.
 */
import type { Command } from "commander";
import type { FunctionResponse, FunctionSpec } from "../../../openapi/client";
import { type Api, expectOk, httpError, send } from "../api";
import { describeFunction, functionFields, replicaCount } from "../function-view";
import { render, table } from "../output";
import type { Session } from "../session";
import { specDifferences } from "../spec-diff";
import { readSpecFile } from "../spec-file";

const nameParam = (name: string) => ({ params: { path: { name } } });

/** Registers `fn` and its subcommands; returns `fn` so other modules can add theirs. */
export function registerFnCommands(program: Command, session: Session): Command {
  const fn = program.command("fn").description("manage functions");

  fn.command("list")
    .alias("ls")
    .description("list registered functions")
    .action(async () => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.GET("/v1/functions"));
      session.io.out(await render(session.format() ?? "table", data, () => functionsTable(data)));
    });

  fn.command("get <name>")
    .description("show one function (its resolved spec)")
    .action(async (name: string) => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.GET("/v1/functions/{name}", nameParam(name)));
      session.io.out(await render(session.format() ?? "table", data, () => functionFields(data)));
    });

  fn.command("describe <name>")
    .description("show a function's spec and state (replicas ready of desired) for a person to read")
    .action(async (name: string) => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.GET("/v1/functions/{name}", nameParam(name)));
      session.io.out(await render(session.format() ?? "table", data, () => describeFunction(data)));
    });

  fn.command("delete <name>")
    .alias("rm")
    .description("delete a function (queued executions fail, running ones finish)")
    .option("--ignore-not-found", "exit 0 when the function does not exist")
    .action(async (name: string, options: { ignoreNotFound?: boolean }) => {
      const api = await session.api();
      const { response, error } = await send(api, api.client.DELETE("/v1/functions/{name}", nameParam(name)));
      let action = "deleted";
      if (response.status === 404 && options.ignoreNotFound) action = "not found";
      else if (!response.ok) throw httpError(response, error, api);
      await report(session, name, action);
    });

  fn.command("versions <name>")
    .description("list a function's versions, oldest first (docs/versions.md)")
    .action(async (name: string) => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.GET("/v1/functions/{name}/versions", nameParam(name)));
      const rows = data.items.map((v) => [v.version, v.createdAt, v.spec.image ?? v.spec.command?.join(" ")]);
      session.io.out(
        await render(session.format() ?? "table", data, () => table(["VERSION", "CREATED", "IMAGE/COMMAND"], rows)),
      );
    });

  fn.command("rollback <name>")
    .description("make an earlier version active again (default: the one before the active)")
    .option("--to <version>", "the version to go to", (value) => Number.parseInt(value, 10))
    .action(async (name: string, options: { to?: number }) => {
      const api = await session.api();
      const body = options.to === undefined ? {} : { version: options.to };
      const { data } = await expectOk(
        api,
        api.client.POST("/v1/functions/{name}:rollback", { ...nameParam(name), body } as never),
      );
      const fn = data as FunctionResponse;
      const value = { name, action: "rolled back", version: fn.version };
      session.io.out(
        await render(
          session.format() ?? "table",
          value,
          () => `function/${name} rolled back to version ${fn.version}\n`,
        ),
      );
    });

  fn.command("apply")
    .description("create a function from a spec file, or update it in place (a new version) when the spec changed")
    .requiredOption("-f, --file <spec>", "function spec (YAML or JSON)")
    .option("--force", "update even when the registered function matches")
    .action(async (options: { file: string; force?: boolean }) => {
      const spec = await readSpecFile(options.file, session.io.cwd);
      const api = await session.api();
      const outcome = await apply(api, spec, options.force ?? false);
      await report(session, spec.name, outcome.action, outcome.changed, outcome.version);
    });
  return fn;
}

interface ApplyOutcome {
  action: "created" | "updated" | "recreated" | "unchanged";
  changed?: string[];
  /** The version an update made active. */
  version?: number;
}

async function apply(api: Api, spec: FunctionSpec, force: boolean): Promise<ApplyOutcome> {
  const create = () => expectOk(api, api.client.POST("/v1/functions", { body: spec }));
  const first = await send(api, api.client.POST("/v1/functions", { body: spec }));
  if (first.response.status === 201) return { action: "created" };
  if (first.response.status !== 409) throw httpError(first.response, first.error, api);

  const current = await send(api, api.client.GET("/v1/functions/{name}", nameParam(spec.name)));
  if (current.response.status === 404) {
    await create(); // deleted by someone else in between
    return { action: "created" };
  }
  if (!current.response.ok) throw httpError(current.response, current.error, api);
  const changed = specDifferences(spec, current.data as FunctionResponse);
  if (changed.length === 0 && !force) return { action: "unchanged" };
  const put = await send(api, api.client.PUT("/v1/functions/{name}", { ...nameParam(spec.name), body: spec }));
  if (put.response.ok) return { action: "updated", changed, version: (put.data as FunctionResponse).version };
  if (put.response.status !== 405) throw httpError(put.response, put.error);
  // A server from before versions (no PUT): delete and register again.
  await expectOk(api, api.client.DELETE("/v1/functions/{name}", nameParam(spec.name)));
  await create();
  return { action: "recreated", changed };
}

async function report(
  session: Session,
  name: string,
  action: string,
  changed?: string[],
  version?: number,
): Promise<void> {
  const format = session.format() ?? "table";
  const value = { name, action, ...(changed ? { changed } : {}), ...(version !== undefined ? { version } : {}) };
  session.io.out(
    await render(format, value, () => {
      const why = changed && changed.length > 0 ? `changed: ${changed.join(", ")}` : "forced";
      if (action === "updated") return `function/${name} updated to version ${version} (${why})\n`;
      if (action !== "recreated") return `function/${name} ${action}\n`;
      return `function/${name} recreated (${why}; the server has no update, so it was deleted and registered again)\n`;
    }),
  );
}

function functionsTable(functions: FunctionResponse[]): string {
  const rows = functions.map((f) => [
    f.name,
    f.effectiveExecutionMode,
    f.status?.state,
    replicaCount(f),
    f.deploymentBackend,
    f.concurrency,
    f.queueSize,
    f.timeoutMs,
    f.image ?? f.endpointUrl,
  ]);
  return table(
    ["NAME", "MODE", "STATE", "READY", "BACKEND", "CONCURRENCY", "QUEUE", "TIMEOUT_MS", "IMAGE/ENDPOINT"],
    rows,
  );
}
