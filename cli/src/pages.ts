/**
 * @module
 * Lists that come in pages (`{items, nextCursor}`): `--limit` and `--cursor` ask for one page,
 * `--all` follows the cursors to the end. In table form the cursor of the next page is printed on
 * stderr, so stdout stays the rows a script reads.
 */
import type { Command } from "commander";
import { usageError } from "./errors";
import { render } from "./output";
import type { Session } from "./session";

export interface PageFlags {
  limit: string;
  cursor?: string;
  all?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Adds --limit, --cursor and --all to a list command. */
export const pageOptions = (command: Command): Command =>
  command
    .option("--limit <n>", "items per page, 1..500", "50")
    .option("--cursor <cursor>", "start after this cursor (printed under a page that has more)")
    .option("--all", "follow the cursors and print every page");

/** The whole answer: one page, or every page with --all. */
export async function readPages<T>(
  flags: PageFlags,
  fetchPage: (limit: number, cursor: string | undefined) => Promise<Page<T>>,
): Promise<Page<T>> {
  const limit = /^\d+$/.test(flags.limit) ? Number(flags.limit) : Number.NaN;
  if (!(limit >= 1 && limit <= 500))
    throw usageError(`--limit must be a whole number from 1 to 500 (got '${flags.limit}')`);
  const items: T[] = [];
  let cursor = flags.cursor;
  for (;;) {
    const page = await fetchPage(limit, cursor);
    items.push(...page.items);
    if (!flags.all || page.nextCursor === null) return { items, nextCursor: page.nextCursor };
    cursor = page.nextCursor;
  }
}

/** Prints a page in the chosen format; a table is followed on stderr by how to get the next page. */
export async function printPage<T>(
  session: Session,
  command: string,
  page: Page<T>,
  asTable: (items: T[]) => string,
): Promise<void> {
  const format = session.format() ?? "table";
  session.io.out(await render(format, page, () => asTable(page.items)));
  if (format === "table" && page.nextCursor !== null) session.io.err(`more: ${command} --cursor ${page.nextCursor}\n`);
}
