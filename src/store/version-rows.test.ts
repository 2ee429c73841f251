import { describe } from "bun:test";
import { createMemoryVersionRows } from "./memory/version-rows";
import { createSqliteStore } from "./sqlite/sqlite-store";
import { versionRowsContract } from "./version-rows.contract";

describe("version rows: memory", () => versionRowsContract(createMemoryVersionRows));
describe("version rows: sqlite", () => versionRowsContract(() => createSqliteStore({ path: ":memory:" }).versions!));
