/**
 * @module
 * `nanofaas triggers [function] [--type cron|webhook|nats|rabbitmq]`: every trigger (cron schedules,
 * webhooks, message-queue sources) with its state, last and next fire and last error, from
 * `GET /v1/triggers` (docs/triggers.md). Secrets and broker URLs are never shown: the API does not
 * return them.
 */
import type { Command } from "commander";
import { expectOk } from "../api";
import { render, table } from "../output";
import type { Session } from "../session";

type TriggerType = "cron" | "webhook" | "nats" | "rabbitmq";

export function registerTriggersCommand(program: Command, session: Session): void {
  program
    .command("triggers [function]")
    .description("list triggers (cron schedules, webhooks, message queues), of one function when named")
    .option("--type <type>", "only this type: cron, webhook, nats or rabbitmq")
    .action(async (name: string | undefined, options: { type?: TriggerType }) => {
      const api = await session.api();
      const query = { function: name, type: options.type };
      const { data } = await expectOk(api, api.client.GET("/v1/triggers", { params: { query } }));
      session.io.out(
        await render(session.format() ?? "table", data.items, () =>
          table(
            ["FUNCTION", "TYPE", "ID", "STATE", "DETAIL", "LAST FIRE", "NEXT FIRE", "LAST ERROR"],
            data.items.map((t) => [
              t.function,
              t.type,
              t.id,
              t.state,
              t.detail,
              t.lastFireAt ?? "-",
              t.nextFireAt ?? "-",
              t.lastError?.message ?? "-",
            ]),
          ),
        ),
      );
    });
}
