/**
 * @module
 * `nanofaas invoke NAME` (synchronous) and `nanofaas enqueue NAME` (asynchronous).
 *
 * `invoke` prints the function's output as JSON by default, so `nanofaas invoke f -d @in.json | jq`
 * works; `-o json|yaml|table` prints the whole InvocationResponse instead. An `error` or `timeout`
 * outcome exits 1 with the error on stderr. `enqueue` prints the execution id by default, so
 * `id=$(nanofaas enqueue f -d '{}')` works.
 */
import type { Command } from "commander";
import type { InvocationResponse } from "../../../openapi/client";
import { expectOk } from "../api";
import { readInput } from "../data";
import { CliError, ExitCode, usageError } from "../errors";
import { keyValues, render, toJson } from "../output";
import type { Session } from "../session";

interface InvokeFlags {
  data?: string;
  payload?: string;
  idempotencyKey?: string;
  traceId?: string;
  timeoutMs?: string;
}

const withDataOptions = (command: Command) =>
  command
    .option("-d, --data <json>", "input: inline JSON, @file, or @- for stdin")
    .option("--payload <file>", "send the `input` of a payload file ({description, input, expected})")
    .option("--idempotency-key <key>", "deduplicate retries of this call for 5 minutes")
    .option("--trace-id <id>", "X-Trace-Id forwarded to the function");

export function registerInvokeCommands(program: Command, session: Session): void {
  withDataOptions(program.command("invoke <name>").description("invoke a function and wait for its result"))
    .option("--timeout-ms <ms>", "how long the server waits for the result (X-Timeout-Ms)")
    .action(async (name: string, flags: InvokeFlags) => {
      const input = await readInput(flags, session.io);
      const timeout = flags.timeoutMs === undefined ? undefined : positiveInt(flags.timeoutMs, "--timeout-ms");
      const api = await session.api();
      const { data } = await expectOk(
        api,
        api.client.POST("/v1/functions/{name}:invoke", {
          params: { path: { name }, header: { ...headers(flags), ...(timeout ? { "x-timeout-ms": timeout } : {}) } },
          body: { input },
          fetch: waitAsLongAsTheServer,
        }),
      );
      const format = session.format();
      // By default stdout carries only a successful output; a failure is reported on stderr alone.
      if (format) session.io.out(await render(format, data, () => responseTable(data)));
      else if (data.status === "success") session.io.out(toJson(data.output));
      failIfUnsuccessful(data);
    });

  withDataOptions(program.command("enqueue <name>").description("queue an invocation; prints its execution id")).action(
    async (name: string, flags: InvokeFlags) => {
      const input = await readInput(flags, session.io);
      const api = await session.api();
      const { data } = await expectOk(
        api,
        api.client.POST("/v1/functions/{name}:enqueue", {
          params: { path: { name }, header: headers(flags) },
          body: { input },
        }),
      );
      const format = session.format();
      session.io.out(format ? await render(format, data, () => responseTable(data)) : `${data.executionId}\n`);
    },
  );
}

/**
 * A sync invocation may legitimately send no byte for up to 900 s (timeoutMs, X-Timeout-Ms), and
 * Bun's fetch drops a connection idle for 5 minutes by default. The server always answers by its
 * own deadline, so the CLI waits for it (Ctrl-C still works).
 */
const waitAsLongAsTheServer = (request: Request) => fetch(request, { timeout: false });

function headers(flags: InvokeFlags): { "idempotency-key"?: string; "x-trace-id"?: string } {
  return {
    ...(flags.idempotencyKey ? { "idempotency-key": flags.idempotencyKey } : {}),
    ...(flags.traceId ? { "x-trace-id": flags.traceId } : {}),
  };
}

export function positiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw usageError(`${flag} must be a positive integer (got '${text}')`);
  return Number(text);
}

/** Exit 1 for an `error` or `timeout` outcome; the reason goes to stderr via CliError. */
export function failIfUnsuccessful(result: {
  executionId: string;
  status: string;
  error?: { code: string; message: string } | null;
}): void {
  if (result.status !== "error" && result.status !== "timeout") return;
  const reason = result.error ? `${result.error.code}: ${result.error.message}` : result.status;
  throw new CliError(
    ExitCode.FUNCTION_FAILED,
    `execution ${result.executionId} ended with ${result.status} (${reason})`,
  );
}

function responseTable(r: InvocationResponse): string {
  return keyValues([
    ["executionId", r.executionId],
    ["status", r.status],
    ["output", r.output],
    ["error", r.error ? `${r.error.code}: ${r.error.message}` : undefined],
  ]);
}
