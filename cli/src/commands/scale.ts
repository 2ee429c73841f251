/**
 * @module
 * `nanofaas fn scale NAME --replicas N [--wait]` (`PUT /v1/functions/{name}/replicas`): sets a
 * DEPLOYMENT function's replica count. The autoscaler (scalingConfig.strategy INTERNAL) may change
 * it again. `--wait` polls the function's `status` until N replicas are ready, printing each new
 * count on stderr (stdout keeps only the result), and gives up after `--timeout` with exit 6.
 */
import type { Command } from "commander";
import { type Api, expectOk } from "../api";
import { CliError, ExitCode, usageError } from "../errors";
import { render } from "../output";
import type { Session } from "../session";
import { duration } from "./exec";

interface ScaleFlags {
  replicas: string;
  wait?: boolean;
  timeout: string;
  interval: string;
}

export function registerScaleCommand(fn: Command, session: Session): void {
  fn.command("scale <name>")
    .description("set a DEPLOYMENT function's replica count (the autoscaler may change it again)")
    .requiredOption("--replicas <n>", "replicas wanted: 0 or more")
    .option("--wait", "wait until that many replicas are ready (progress on stderr)")
    .option("--timeout <duration>", "with --wait: give up after this long (exit 6)", "2m")
    .option("--interval <duration>", "with --wait: time between checks", "500ms")
    .action(async (name: string, flags: ScaleFlags) => {
      const replicas = replicaCount(flags.replicas);
      const wait = flags.wait
        ? { timeoutMs: duration(flags.timeout, "--timeout"), intervalMs: duration(flags.interval, "--interval") }
        : undefined;
      const api = await session.api();
      const { data } = await expectOk(
        api,
        api.client.PUT("/v1/functions/{name}/replicas", { params: { path: { name } }, body: { replicas } }),
      );
      if (wait) await waitForReady(session, api, name, replicas, wait);
      const plural = data.replicas === 1 ? "replica" : "replicas";
      session.io.out(
        await render(
          session.format() ?? "table",
          data,
          () => `function/${data.function} scaled to ${data.replicas} ${plural}\n`,
        ),
      );
    });
}

function replicaCount(text: string): number {
  if (!/^\d+$/.test(text)) throw usageError(`--replicas must be a whole number, 0 or more (got '${text}')`);
  return Number(text);
}

async function waitForReady(
  session: Session,
  api: Api,
  name: string,
  wanted: number,
  { timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let shown: string | undefined;
  for (;;) {
    const { data } = await expectOk(api, api.client.GET("/v1/functions/{name}", { params: { path: { name } } }));
    const ready = data.status?.ready;
    if (ready === undefined) {
      throw new CliError(
        ExitCode.UNAVAILABLE,
        `scaled, but the server reports no replica status for function/${name}, so --wait cannot tell when it is ready (a server older than this CLI?)`,
      );
    }
    const desired = data.status?.desired;
    const progress = `function/${name}: ${ready}/${wanted} replicas ready${desired !== undefined && desired !== wanted ? ` (the backend now wants ${desired}: the autoscaler?)` : ""}`;
    if (progress !== shown) session.io.err(`${progress}\n`);
    shown = progress;
    if (ready === wanted && (desired === undefined || desired === wanted)) return;
    if (Date.now() + intervalMs > deadline) {
      throw new CliError(
        ExitCode.WATCH_TIMEOUT,
        `function/${name} has ${ready} of ${wanted} replicas ready after ${timeoutMs} ms (--timeout); they may still be starting: see \`nanofaas fn describe ${name}\``,
      );
    }
    await session.io.sleep(intervalMs);
  }
}
