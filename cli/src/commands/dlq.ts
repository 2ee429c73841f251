/**
 * @module
 * `nanofaas dlq list|get|replay|rm|purge`: the dead-letter queue (docs/api.md). `purge` deletes for
 * good, so it asks for `--yes` rather than prompting (scripts run it too).
 */
import type { Command } from "commander";
import type { DeadLetter } from "../../../openapi/client";
import { expectOk } from "../api";
import { usageError } from "../errors";
import { keyValues, render, table } from "../output";
import { type PageFlags, pageOptions, printPage, readPages } from "../pages";
import type { Session } from "../session";

const idParam = (id: string) => ({ params: { path: { id } } });

export function registerDlqCommands(program: Command, session: Session): void {
  const dlq = program.command("dlq").description("inspect and replay dead-lettered async executions");

  pageOptions(
    dlq
      .command("list")
      .alias("ls")
      .description("list dead-lettered executions, newest first")
      .option("--function <name>", "only this function's entries"),
  ).action(async (flags: PageFlags & { function?: string }) => {
    const api = await session.api();
    const page = await readPages(flags, async (limit, cursor) => {
      const query = { function: flags.function, limit, cursor };
      return (await expectOk(api, api.client.GET("/v1/dlq", { params: { query } }))).data;
    });
    await printPage(session, "nanofaas dlq list", page, entriesTable);
  });

  dlq
    .command("get <id>")
    .description("show one entry: its input, last error and attempts")
    .action(async (id: string) => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.GET("/v1/dlq/{id}", idParam(id)));
      session.io.out(await render(session.format() ?? "table", data, () => keyValues(Object.entries(data))));
    });

  dlq
    .command("replay <id>")
    .description("run the entry's input again as a new async execution (once per entry)")
    .action(async (id: string) => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.POST("/v1/dlq/{id}:replay", idParam(id)));
      session.io.out(
        await render(
          session.format() ?? "table",
          data,
          () =>
            `dlq/${id} replayed as execution ${data.executionId} (${data.status}); follow it with: nanofaas exec get ${data.executionId} --watch\n`,
        ),
      );
    });

  dlq
    .command("rm <id>")
    .alias("delete")
    .description("delete one entry")
    .action(async (id: string) => {
      const api = await session.api();
      await expectOk(api, api.client.DELETE("/v1/dlq/{id}", idParam(id)));
      const format = session.format() ?? "table";
      session.io.out(await render(format, { id, action: "deleted" }, () => `dlq/${id} deleted\n`));
    });

  dlq
    .command("purge")
    .description("delete every entry, or every entry of one function (cannot be undone)")
    .option("--function <name>", "only this function's entries")
    .option("-y, --yes", "confirm: without it nothing is deleted")
    .action(async (flags: { function?: string; yes?: boolean }) => {
      const what = flags.function ? `every DLQ entry of function '${flags.function}'` : "every DLQ entry";
      if (!flags.yes) throw usageError(`purge deletes ${what} for good; add --yes to confirm`);
      const api = await session.api();
      const body = { function: flags.function, confirm: true as const };
      const { data } = await expectOk(api, api.client.POST("/v1/dlq:purge", { body }));
      session.io.out(await render(session.format() ?? "table", data, () => `purged ${data.purged} entries\n`));
    });
}

function entriesTable(entries: DeadLetter[]): string {
  const rows = entries.map((e) => [
    e.id,
    e.function,
    e.executionId,
    e.attempts,
    e.failedAt,
    e.error ? `${e.error.code}: ${e.error.message}` : undefined,
    e.replayedAs,
  ]);
  return table(["ID", "FUNCTION", "EXECUTION", "ATTEMPTS", "FAILED", "ERROR", "REPLAYED AS"], rows);
}
