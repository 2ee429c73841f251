/**
 * @module
 * `nanofaas exec get ID [--watch]`. With `--watch` it polls until the execution is terminal,
 * printing a line each time the status changes (a table row, or one compact JSON object per line
 * with `-o json`, or a YAML document with `-o yaml`). Exit codes: 0 success (or still running
 * without --watch), 1 error/timeout, 6 when --watch gives up before the execution finishes.
 */
import type { Command } from "commander";
import { type ExecutionStatus, isTerminal } from "../../../openapi/client";
import { parseDurationMs } from "../../../src/lib/duration";
import { type Api, expectOk } from "../api";
import { CliError, ExitCode, usageError } from "../errors";
import { type Format, table, toYaml } from "../output";
import type { Session } from "../session";
import { failIfUnsuccessful } from "./invoke";

const HEADERS = ["EXECUTION ID", "STATUS", "STARTED", "FINISHED", "COLD", "OUTPUT/ERROR"];
/** UUIDs, the longest status, ISO timestamps: rows printed one by one still line up. */
const WIDTHS = [36, 7, 24, 24, 4];

export function registerExecCommands(program: Command, session: Session): void {
  const exec = program.command("exec").description("inspect executions");
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
