/**
 * @module
 * `nanofaas logs NAME [-f] [--execution ID] [--since 10m] [--tail N] [--replica R]`
 * (`GET /v1/functions/{name}/logs`, docs/logs.md): a function's output lines. One line each:
 * `TIME [REPLICA] MESSAGE` (stderr lines marked `!`), or the LogLine objects as JSON lines with
 * `-o json`. `-f` follows: the held lines, then new ones as they are printed, until Ctrl-C or
 * until the server closes the stream.
 */
import type { Command } from "commander";
import type { LogLine } from "../../../openapi/client";
import { expectOk } from "../api";
import { usageError } from "../errors";
import type { Session } from "../session";

interface LogsFlags {
  follow?: boolean;
  execution?: string;
  since?: string;
  tail?: string;
  replica?: string;
}

export function registerLogsCommand(program: Command, session: Session): void {
  program
    .command("logs <name>")
    .description("show a function's output lines (what its replicas print)")
    .option("-f, --follow", "keep printing new lines as they come (Ctrl-C to stop)")
    .option("--execution <id>", "only the lines of this execution")
    .option("--since <time>", "only lines from this long ago (10m, 1h) or since an ISO-8601 time")
    .option("--tail <n>", "only the last N lines held")
    .option("--replica <replica>", "only this replica's lines (index, or pod name on Kubernetes)")
    .action(async (name: string, flags: LogsFlags) => {
      if (flags.tail !== undefined && !/^\d+$/.test(flags.tail)) {
        throw usageError(`--tail must be a whole number, 0 or more (got '${flags.tail}')`);
      }
      const api = await session.api();
      const query = {
        follow: flags.follow ? ("true" as const) : undefined,
        executionId: flags.execution,
        since: flags.since,
        tail: flags.tail === undefined ? undefined : Number(flags.tail),
        replica: flags.replica,
      };
      const { response } = await expectOk(
        api,
        api.client.GET("/v1/functions/{name}/logs", { params: { path: { name }, query }, parseAs: "stream" }),
      );
      const print = (line: LogLine) => session.io.out(formatLine(line, session.format() === "json"));
      await readRecords(response, flags.follow === true, print);
    });
}

/** One line of output: the LogLine as JSON, or `TIME [REPLICA] MESSAGE` (`!` marks stderr). */
export function formatLine(line: LogLine, json: boolean): string {
  if (json) return `${JSON.stringify(line)}\n`;
  return `${line.time} [${line.replica}]${line.stream === "stderr" ? "!" : ""} ${line.message}\n`;
}

/** Reads NDJSON, or Server-Sent Events when following, calling `onLine` per LogLine. */
async function readRecords(response: Response, sse: boolean, onLine: (line: LogLine) => void): Promise<void> {
  if (!response.body) return;
  const separator = sse ? "\n\n" : "\n";
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = response.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true });
    for (let at = buffer.indexOf(separator); at >= 0; at = buffer.indexOf(separator)) {
      const record = buffer.slice(0, at);
      buffer = buffer.slice(at + separator.length);
      const data = sse ? eventData(record) : record;
      if (data) onLine(JSON.parse(data) as LogLine);
    }
  }
  if (!sse && buffer.trim()) onLine(JSON.parse(buffer) as LogLine);
}

/** The `data:` of a `log` event; undefined for comments (keepalives) and other events. */
function eventData(event: string): string | undefined {
  const lines = event.split("\n");
  if (!lines.includes("event: log")) return undefined;
  return lines.find((l) => l.startsWith("data: "))?.slice("data: ".length);
}
