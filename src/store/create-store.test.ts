import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config/config";
import { createStore, SQLITE_FILE, StoreStartupError } from "./create-store";

const root = mkdtempSync(join(tmpdir(), "nanofaas-create-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const config = (env: Record<string, string>) => loadConfig(env);

describe("createStore", () => {
  test("sqlite is the default; a missing data directory is created", async () => {
    const dataDir = join(root, "missing", "deeper");
    const store = await createStore(config({ NANOFAAS_DATA_DIR: dataDir }));
    expect(store.kind).toBe("sqlite");
    expect(existsSync(join(dataDir, SQLITE_FILE))).toBe(true);
    await store.close();
  });

  test("memory on request", async () => {
    const store = await createStore(config({ NANOFAAS_STORE: "memory" }));
    expect(store.kind).toBe("memory");
  });

  test("a data directory that cannot be created is a clear start-up error", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "not a directory");
    const error = await createStore(config({ NANOFAAS_DATA_DIR: join(file, "data") })).catch((e) => e);
    expect(error).toBeInstanceOf(StoreStartupError);
    expect(error.message).toMatch(/^NANOFAAS_DATA_DIR: cannot create .*a-file\/data/);
  });

  test("a file that is not a SQLite database is a clear start-up error", async () => {
    const dataDir = join(root, "corrupt");
    await createStore(config({ NANOFAAS_DATA_DIR: dataDir })).then((s) => s.close());
    writeFileSync(join(dataDir, SQLITE_FILE), "garbage ".repeat(1000));
    const error = await createStore(config({ NANOFAAS_DATA_DIR: dataDir })).catch((e) => e);
    expect(error).toBeInstanceOf(StoreStartupError);
    expect(error.message).toContain("is not a readable nanofaas database");
    expect(error.message).toContain("restore a backup");
  });

  test("a database written by a newer release is refused", async () => {
    const dataDir = join(root, "newer");
    await createStore(config({ NANOFAAS_DATA_DIR: dataDir })).then((s) => s.close());
    const db = new Database(join(dataDir, SQLITE_FILE));
    db.run("INSERT INTO schema_migrations (area, version, applied_at) VALUES ('core', 42, 0)");
    db.close();
    const error = await createStore(config({ NANOFAAS_DATA_DIR: dataDir })).catch((e) => e);
    expect(error).toBeInstanceOf(StoreStartupError);
    expect(error.message).toContain("newer than this nanofaas knows");
  });

  test("postgres needs NANOFAAS_DATABASE_URL (a configuration error)", () => {
    expect(() => config({ NANOFAAS_STORE: "postgres" })).toThrow(
      "NANOFAAS_DATABASE_URL: required when NANOFAAS_STORE=postgres",
    );
    expect(() => config({ NANOFAAS_STORE: "postgres", NANOFAAS_DATABASE_URL: "mysql://x" })).toThrow(
      "expected a postgres:// or postgresql:// URL",
    );
  });
});
