/**
 * @module
 * `nanofaas exec list [--function f] [--status s] [--since t]` (newest first) and
 * `nanofaas exec get ID [--watch]`. With `--watch` it polls until the execution is terminal,
 * printing a line each time the status changes (a table row, or one compact JSON object per line
 * with `-o json`, or a YAML document with `-o yaml`). Exit codes: 0 success (or still running
 * without --watch), 1 error/timeout, 6 when --watch gives up before the execution finishes.
 */
import type { Command } from "commander";
import { type ExecutionState, type ExecutionStatus, isTerminal } from "../../../openapi/client";
import { parseDurationMs } from "../../../src/lib/duration";
import { type Api, expectOk } from "../api";
import { CliError, ExitCode, usageError } from "../errors";
import { type Format, table, toYaml } from "../output";
import { type PageFlags, pageOptions, printPage, readPages } from "../pages";
import type { Session } from "../session";
import { failIfUnsuccessful } from "./invoke";

const HEADERS = ["EXECUTION ID", "STATUS", "STARTED", "FINISHED", "COLD", "OUTPUT/ERROR"];
/** UUIDs, the longest status, ISO timestamps: rows printed one by one still line up. */
const WIDTHS = [36, 7, 24, 24, 4];

export function registerExecCommands(program: Command, session: Session): void {
  const exec = program.command("exec").description("inspect executions");
  pageOptions(
    exec
      .command("list")
      .alias("ls")
      .description("list executions, newest first")
      .option("--function <name>", "only this function's executions")
      .option("--status <state>", "only this state: queued, running, success, error or timeout")
      .option("--since <time>", "created at or after: an ISO-8601 time, or a duration ago (1h, 30m)")
      .option("--until <time>", "created at or before: an ISO-8601 time, or a duration ago"),
  ).action(async (flags: ListFlags) => {
    const api = await session.api();
    const now = Date.now();
    const filters = {
      function: flags.function,
      status: flags.status as ExecutionState | undefined,
      since: flags.since === undefined ? undefined : pointInTime(flags.since, now),
      until: flags.until === undefined ? undefined : pointInTime(flags.until, now),
    };
    const page = await readPages(flags, async (limit, cursor) => {
      const query = { ...filters, limit, cursor };
      return (await expectOk(api, api.client.GET("/v1/executions", { params: { query } }))).data;
    });
    await printPage(session, "nanofaas exec list", page, executionsTable);
  });
  exec
    .command("get <executionId>")
    .description("show an execution; --watch polls until it finishes")
    .option("-w, --watch", "poll until success, error or timeout")
    .option("--interval <duration>", "time between polls (500ms, 2s, PT1S…)", "1s")
    .option("--timeout <duration>", "give up watching after this long (exit 6)", "5m")
    .action(async (id: string, flags: { watch?: boolean; interval: string; timeout: string }) => {
      const interval = duration(flags.interval, "--interval");
      const timeout = duration(flags.timeout, "--timeout");
      const api = await session.api();
      const format = session.format() ?? "table";
      const status = flags.watch
        ? await watch(session, api, id, format, interval, timeout)
        : await fetchStatus(api, id);
      if (!flags.watch) session.io.out(await line(format, status, true, false));
      failIfUnsuccessful(status);
    });
}

interface ListFlags extends PageFlags {
  function?: string;
  status?: string;
  since?: string;
  until?: string;
}

/** `--since 1h` means an hour ago; anything else is passed on as a timestamp (the server checks it). */
function pointInTime(text: string, now: number): string {
  const ago = /^\d+(\.\d+)?(ms|s|m|h|d)$/i.test(text) ? parseDurationMs(text) : undefined;
  return ago === undefined ? text : new Date(now - ago).toISOString();
}

function executionsTable(items: ExecutionStatus[]): string {
  const rows = items.map((s) => [
    s.executionId,
    s.function,
    s.status,
    s.attempts,
    s.createdAt,
    s.finishedAt,
    s.error ? `${s.error.code}: ${s.error.message}` : s.output,
  ]);
  return table(["EXECUTION ID", "FUNCTION", "STATUS", "ATTEMPTS", "CREATED", "FINISHED", "OUTPUT/ERROR"], rows);
}

async function fetchStatus(api: Api, executionId: string): Promise<ExecutionStatus> {
  const { data } = await expectOk(
    api,
    api.client.GET("/v1/executions/{executionId}", { params: { path: { executionId } } }),
  );
  return data;
}

async function watch(
  session: Session,
  api: Api,
  id: string,
  format: Format,
  intervalMs: number,
  timeoutMs: number,
): Promise<ExecutionStatus> {
  const deadline = Date.now() + timeoutMs;
  let previous: string | undefined;
  for (let first = true; ; first = false) {
    const status = await fetchStatus(api, id);
    if (status.status !== previous) session.io.out(await line(format, status, first, true));
    previous = status.status;
    if (isTerminal(status.status)) return status;
    if (Date.now() + intervalMs > deadline) {
      throw new CliError(
        ExitCode.WATCH_TIMEOUT,
        `execution ${id} is still ${status.status} after ${timeoutMs} ms (--timeout)`,
      );
    }
    await session.io.sleep(intervalMs);
  }
}

/** One status as output: a table row (with the header first), a JSON line or a YAML document. */
async function line(format: Format, s: ExecutionStatus, withHeader: boolean, streaming: boolean): Promise<string> {
  if (format === "json") return streaming ? `${JSON.stringify(s)}\n` : `${JSON.stringify(s, null, 2)}\n`;
  if (format === "yaml") return streaming ? `---\n${await toYaml(s)}` : toYaml(s);
  const result = s.error ? `${s.error.code}: ${s.error.message}` : s.output;
  const text = table(
    HEADERS,
    [[s.executionId, s.status, s.startedAt, s.finishedAt, s.coldStart ? "yes" : "no", result]],
    60,
    WIDTHS,
  );
  return withHeader ? text : text.slice(text.indexOf("\n") + 1);
}

export function duration(text: string, flag: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0)
    throw usageError(`${flag}: '${text}' is not a duration (examples: 500ms, 2s, 5m, PT1S)`);
  return ms;
}
