/**
 * @module
 * The `nanofaas` CLI as a function of its arguments and an `Io`, returning the exit code: the
 * entry point (main.ts) and the in-process tests share it. Every failure ends here — commander's
 * usage errors (exit 2), `CliError`s (their own code) and bugs (exit 70) — as one line on stderr.
 */
import { Command, CommanderError } from "commander";
import { VERSION } from "../../src/lib/version";
import { connect } from "./api";
import { registerAuthCommands } from "./commands/auth";
import { registerCompletionCommand } from "./commands/completion";
import { registerConfigCommands } from "./commands/config";
import { registerContractCommand } from "./commands/contract";
import { registerDlqCommands } from "./commands/dlq";
import { registerExecCommands } from "./commands/exec";
import { registerFnCommands } from "./commands/fn";
import { registerInitCommand } from "./commands/init";
import { registerInvokeCommands } from "./commands/invoke";
import { registerLogsCommand } from "./commands/logs";
import { registerScaleCommand } from "./commands/scale";
import { registerTrafficCommands } from "./commands/traffic";
import { registerTriggersCommand } from "./commands/triggers";
import { registerWorkflowCommands } from "./commands/wf";
import { registerVersionCommand } from "./commands/version";
import { resolveEndpoint } from "./config";
import { resolveCredential } from "./credentials";
import { CliError, ExitCode } from "./errors";
import { parseFormat } from "./output";
import type { GlobalFlags, Io, Session } from "./session";

/** Exit code for an unexpected exception (sysexits' EX_SOFTWARE): a bug, never a server answer. */
export const EXIT_INTERNAL = 70;

export async function runCli(argv: string[], io: Io): Promise<number> {
  const program = new Command("nanofaas");
  const flags = () => program.opts<GlobalFlags>();
  const session: Session = {
    io,
    flags,
    api: async (credential) =>
      connect(await resolveEndpoint(flags(), io.env), credential ?? (await resolveCredential(flags(), io.env))),
    format: () => parseFormat(flags().output),
  };
  // Settings first: subcommands copy them when they are created.
  program
    .description("Command-line client for nanofaas")
    .version(VERSION, "-V, --version")
    .option("--endpoint <url>", "control plane URL (overrides NANOFAAS_ENDPOINT and the context)")
    .option("--context <name>", "context from the config file (overrides NANOFAAS_CONTEXT)")
    .option("--config <path>", "config file (default: ~/.config/nanofaas/config.yaml)")
    .option("-o, --output <format>", "table | json | yaml")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(`nanofaas: ${text.replace(/^error: /, "")}`),
    })
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError()
    .hook("preAction", () => void parseFormat(flags().output));
  const fn = registerFnCommands(program, session);
  registerScaleCommand(fn, session);
  registerTrafficCommands(fn, session);
  registerInvokeCommands(program, session);
  registerExecCommands(program, session);
  registerLogsCommand(program, session);
  registerDlqCommands(program, session);
  registerTriggersCommand(program, session);
  registerWorkflowCommands(program, session);
  registerInitCommand(program, session);
  registerConfigCommands(program, session);
  registerAuthCommands(program, session);
  registerContractCommand(program, session);
  registerVersionCommand(program, session);
  registerCompletionCommand(program, session);

  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExitCode(error);
    if (error instanceof CliError) {
      io.err(`nanofaas: ${error.message}\n`);
      for (const line of error.details) io.err(`${line}\n`);
      return error.exitCode;
    }
    io.err(`nanofaas: unexpected error (a bug, please report it): ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_INTERNAL;
  }
}

/** --help and --version succeed; everything else commander rejects is a usage error. */
function commanderExitCode(error: CommanderError): number {
  if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.OK;
  return ExitCode.USAGE;
}
