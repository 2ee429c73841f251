/**
 * @module
 * `nanofaas version`: the CLI's version and, when the server answers, the server's (the `version`
 * of its OpenAPI document, which is the control plane's build version). A server that cannot be
 * reached is not an error here — the CLI's version is still worth printing — but it is said on
 * stderr and shown as `-`, and `-o json` carries `server: null` with the reason.
 */
import type { Command } from "commander";
import { VERSION } from "../../../src/lib/version";
import { type Api, getRaw } from "../api";
import { CliError, ExitCode } from "../errors";
import { keyValues, render } from "../output";
import type { Session } from "../session";

/** `version` must answer promptly even when the endpoint swallows packets. */
const SERVER_TIMEOUT_MS = 5_000;

export function registerVersionCommand(program: Command, session: Session): void {
  program
    .command("version")
    .description("print the CLI's version and, when it can be reached, the server's")
    .action(async () => {
      const api = await session.api();
      let server: { version: string; endpoint: string } | null = null;
      let serverError: string | undefined;
      try {
        server = { version: await serverVersion(api), endpoint: api.endpoint };
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        serverError = error.message;
        session.io.err(`nanofaas: ${serverError}\n`);
      }
      const value = { client: VERSION, server, ...(serverError ? { serverError } : {}) };
      session.io.out(
        await render(session.format() ?? "table", value, () =>
          keyValues([
            ["client", VERSION],
            ["server", server ? `${server.version} (${server.endpoint})` : undefined],
          ]),
        ),
      );
    });
}

async function serverVersion(api: Api): Promise<string> {
  const response = await getRaw(api, "/openapi.json", SERVER_TIMEOUT_MS);
  const document = response.ok
    ? ((await response.json().catch(() => undefined)) as { info?: { version?: unknown } } | undefined)
    : undefined;
  const version = document?.info?.version;
  if (typeof version !== "string") {
    throw new CliError(
      ExitCode.UNAVAILABLE,
      `${api.endpoint} answered GET /openapi.json with ${response.status} but no version: is it nanofaas?`,
    );
  }
  return version;
}
