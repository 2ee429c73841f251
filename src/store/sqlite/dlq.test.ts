import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deadLetterRowsContract, entry } from "../dead-letter-rows.contract";
import { createSqliteStore } from "./sqlite-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-sqlite-dlq-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// A real database file per test, through the whole store (migrations included).
deadLetterRowsContract("sqlite", async () => {
  const store = createSqliteStore({ path: join(dir, `dlq-${files++}.db`) });
  return { rows: store.dlq, close: () => store.close() };
});

test("entries survive closing and reopening the database file (a restart)", async () => {
  const path = join(dir, "reopen.db");
  const first = createSqliteStore({ path });
  await first.dlq.add(entry("kept", "f", 1234, { replayedAs: null }));
  await first.dlq.markReplayed("kept", "exec-2");
  await first.close();
  const second = createSqliteStore({ path });
  expect(await second.dlq.get("kept")).toEqual(entry("kept", "f", 1234, { replayedAs: "exec-2" }));
  expect(await second.dlq.sizes()).toEqual(new Map([["f", 1]]));
  await second.close();
});
