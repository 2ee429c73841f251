/**
 * @module
 * `nanofaas fn scale NAME --replicas N` (`PUT /v1/functions/{name}/replicas`): sets a DEPLOYMENT
 * function's replica count. The autoscaler (scalingConfig.strategy INTERNAL) may change it again.
 */
import type { Command } from "commander";
import { expectOk } from "../api";
import { usageError } from "../errors";
import { render } from "../output";
import type { Session } from "../session";

export function registerScaleCommand(fn: Command, session: Session): void {
  fn.command("scale <name>")
    .description("set a DEPLOYMENT function's replica count (the autoscaler may change it again)")
    .requiredOption("--replicas <n>", "replicas wanted: 0 or more")
    .action(async (name: string, flags: { replicas: string }) => {
      const replicas = replicaCount(flags.replicas);
      const api = await session.api();
      const { data } = await expectOk(api, api.client.PUT("/v1/functions/{name}/replicas", { params: { path: { name } }, body: { replicas } }));
      const plural = data.replicas === 1 ? "replica" : "replicas";
      session.io.out(await render(session.format() ?? "table", data, () => `function/${data.function} scaled to ${data.replicas} ${plural}\n`));
    });
}

function replicaCount(text: string): number {
  if (!/^\d+$/.test(text)) throw usageError(`--replicas must be a whole number, 0 or more (got '${text}')`);
  return Number(text);
}
