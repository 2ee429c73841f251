/**
 * @module
 * `nanofaas triggers <function>`: a function's cron schedules (next fire, last run, paused) and
 * the webhooks bound to it (docs/triggers.md). Secrets are never shown: the API does not return them.
 */
import type { Command } from "commander";
import { expectOk } from "../api";
import { render, table } from "../output";
import type { Session } from "../session";

export function registerTriggersCommand(program: Command, session: Session): void {
  program
    .command("triggers <function>")
    .description("list a function's cron schedules and webhooks")
    .action(async (name: string) => {
      const api = await session.api();
      const schedules = await expectOk(
        api,
        api.client.GET("/v1/functions/{name}/schedules", { params: { path: { name } } }),
      );
      const hooks = await expectOk(api, api.client.GET("/v1/webhooks", { params: { query: { function: name } } }));
      const value = { schedules: schedules.data.items, webhooks: hooks.data.items };
      session.io.out(
        await render(session.format() ?? "table", value, () => {
          const cron = table(
            ["SCHEDULE", "CRON", "TIMEZONE", "ENABLED", "OVERLAP", "NEXT RUN", "LAST RUN"],
            value.schedules.map((s) => [
              s.id,
              s.cron,
              s.timezone,
              s.enabled,
              s.overlap,
              s.nextRuns[0] ?? "-",
              s.lastRunAt ?? "-",
            ]),
          );
          const web = table(
            ["WEBHOOK", "FORMAT", "MODE", "FILTERS"],
            value.webhooks.map((w) => [w.id, w.format, w.mode, w.filters.length]),
          );
          return `${cron}\n${web}`;
        }),
      );
    });
}
