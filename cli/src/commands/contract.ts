/**
 * @module
 * `nanofaas contract test URL`: runs the pod contract's cases (runtimes/contract/cases.ts, the same
 * ones the repository's runtimes pass in bun:test) against a running pod that serves the contract
 * handler; `nanofaas contract payloads URL DIR` runs a payload table (an example's, or a scaffold's)
 * against a pod serving that function, checked as the examples' tests check theirs. Both print
 * PASS/FAIL per case and a summary; exit 0 when every case passes, 1 when any fails, 5 when the pod
 * cannot be reached at all. What needs control of the pod's process (its env, signals, output) is
 * not run here; docs/runtime-contract.md says which cases those are.
 */
import type { Command } from "commander";
import {
  type CaseContext,
  type ContractCase,
  type ContractOptions,
  contractCases,
} from "../../../runtimes/contract/cases";
import { resolve } from "node:path";
import { payloadCase } from "../../../examples/harness/payload-case";
import { loadPayloadDir, type Payload } from "../../../examples/harness/payloads";
import { FLAKY_RECEIVER, startFakeControlPlane } from "../../../runtimes/contract/fake-control-plane";
import { networkReason } from "../api";
import { CliError, ExitCode, usageError } from "../errors";
import { toJson, toYaml } from "../output";
import type { Session } from "../session";
import { duration } from "./exec";

interface ContractFlags {
  callbacks: boolean;
  callbackHost: string;
  handlerErrorCode?: string;
  missingExecutionId: string;
  caseTimeout: string;
}

export interface CaseResult {
  name: string;
  group: ContractCase["group"];
  ok: boolean;
  ms: number;
  error?: string;
}

export function registerContractCommand(program: Command, session: Session): void {
  const contract = program.command("contract").description("check a function pod against the pod contract");
  contract
    .command("test <url>")
    .description("run the pod contract's cases against a running pod serving the contract handler")
    .option("--no-callbacks", "skip the callback cases (the pod cannot reach this machine, or sends none)")
    .option("--callback-host <host>", "address to receive callbacks on; the pod must reach it", "127.0.0.1")
    .option("--handler-error-code <code>", "the one code the pod gives every handler failure (e.g. FUNCTION_ERROR)")
    .option("--missing-execution-id <mode>", "reject (400, the runtimes) | generate (the watchdog)", "reject")
    .option("--case-timeout <duration>", "fail a case that takes longer than this", "15s")
    .action(async (url: string, flags: ContractFlags) => {
      const baseUrl = podUrl(url);
      const options = contractOptions(flags);
      const caseTimeoutMs = duration(flags.caseTimeout, "--case-timeout");
      await expectReachable(baseUrl);
      const host = flags.callbackHost;
      const receiver = options.callbacks === false ? undefined : startReceiver(host, FLAKY_RECEIVER);
      try {
        const ctx: CaseContext = { baseUrl, options, receiver, startReceiver: (opts) => startReceiver(host, opts) };
        await runAndReport(session, contractCases(options), ctx, caseTimeoutMs);
      } finally {
        await receiver?.stop();
      }
    });
  contract
    .command("payloads <url> <dir>")
    .description("run a payload table (DIR/*.json: description, input, expected) against a running function pod")
    .option("--case-timeout <duration>", "fail a payload that takes longer than this", "15s")
    .action(async (url: string, dir: string, flags: { caseTimeout: string }) => {
      const baseUrl = podUrl(url);
      const cases = payloadTable(resolve(session.io.cwd, dir)).map(payloadCase);
      const caseTimeoutMs = duration(flags.caseTimeout, "--case-timeout");
      await expectReachable(baseUrl);
      await runAndReport(session, cases, { baseUrl, options: {} }, caseTimeoutMs);
    });
}

/** Runs the cases one by one, printing each result (table) or all of them (json/yaml); exit 1 on a failure. */
async function runAndReport(session: Session, cases: ContractCase[], ctx: CaseContext, caseTimeoutMs: number) {
  const format = session.format() ?? "table";
  const results: CaseResult[] = [];
  for (const contractCase of cases) {
    const result = await runOne(contractCase, ctx, caseTimeoutMs);
    results.push(result);
    if (format === "table") session.io.out(resultLine(result));
  }
  const failed = results.filter((r) => !r.ok).length;
  const summary = { url: ctx.baseUrl, passed: results.length - failed, failed, cases: results };
  if (format === "json") session.io.out(toJson(summary));
  else if (format === "yaml") session.io.out(await toYaml(summary));
  else
    session.io.out(`\n${summary.passed} passed, ${failed} failed (${results.length} cases) against ${ctx.baseUrl}\n`);
  if (failed > 0) throw new CliError(ExitCode.FUNCTION_FAILED, `${failed} of ${results.length} cases failed`);
}

/** The payload files of `dir`, each with an `input` and an `expected`; anything else is a usage error. */
function payloadTable(dir: string): Payload[] {
  let payloads: Payload[];
  try {
    payloads = loadPayloadDir(dir);
  } catch (error) {
    throw usageError(`cannot read the payload table in ${dir}: ${(error as Error).message.split("\n")[0]}`);
  }
  if (payloads.length === 0) throw usageError(`${dir} has no *.json payload files`);
  const incomplete = payloads.filter((p) => !Object.hasOwn(p, "input") || !Object.hasOwn(p, "expected"));
  if (incomplete.length > 0)
    throw usageError(`payload files need "input" and "expected": ${incomplete.map((p) => p.file).join(", ")}`);
  return payloads;
}

/** An http(s) URL with no query or fragment, without its trailing slash (paths are appended). */
export function podUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`'${text}' is not a URL: give the pod's base URL, e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`the pod URL must be http:// or https:// (got '${url.protocol}')`);
  if (url.search || url.hash) throw usageError(`the pod URL must have no query or fragment (got '${text}')`);
  if (url.username || url.password) throw usageError("the pod URL must not carry credentials");
  return url.href.replace(/\/+$/, "");
}

function contractOptions(flags: ContractFlags): ContractOptions {
  if (flags.missingExecutionId !== "reject" && flags.missingExecutionId !== "generate")
    throw usageError(`--missing-execution-id must be reject or generate (got '${flags.missingExecutionId}')`);
  return {
    callbacks: flags.callbacks,
    handlerErrorCode: flags.handlerErrorCode,
    missingExecutionId: flags.missingExecutionId,
  };
}

/** A pod that cannot be reached at all is one clear error, not twenty failed cases. */
async function expectReachable(baseUrl: string): Promise<void> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
  } catch (error) {
    throw new CliError(ExitCode.UNAVAILABLE, `cannot reach the pod at ${baseUrl} (${networkReason(error)})`);
  }
}

function startReceiver(hostname: string, options: Parameters<typeof startFakeControlPlane>[0] = {}) {
  try {
    return startFakeControlPlane({ ...options, hostname });
  } catch (error) {
    throw usageError(`cannot receive callbacks on ${hostname} (${(error as Error).message}): see --callback-host`);
  }
}

async function runOne(contractCase: ContractCase, ctx: CaseContext, timeoutMs: number): Promise<CaseResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms (--case-timeout)`));
    }, timeoutMs);
  });
  const base = { name: contractCase.name, group: contractCase.group };
  try {
    await Promise.race([contractCase.run({ ...ctx, signal: controller.signal }), deadline]);
    return { ...base, ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, ok: false, ms: Math.round(performance.now() - started), error: message.split("\n")[0] };
  } finally {
    clearTimeout(timer);
  }
}

function resultLine(result: CaseResult): string {
  const group = result.group === "callbacks" ? "callbacks: " : "";
  return result.ok
    ? `PASS  ${group}${result.name} (${result.ms} ms)\n`
    : `FAIL  ${group}${result.name} (${result.ms} ms)\n      ${result.error}\n`;
}
