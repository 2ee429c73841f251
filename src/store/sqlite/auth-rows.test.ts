import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidCursorError } from "../state-store";
import { createSqliteStore } from "./sqlite-store";

// API keys and the audit log on SQLite, beyond the shared describeStateStoreContract
// (run in sqlite-store.test.ts).
const dir = mkdtempSync(join(tmpdir(), "nanofaas-sqlite-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `auth-${files++}.db`);

const key = {
  id: "k1",
  name: "ci",
  prefix: "nfk_abcdefgh",
  keySha256: "a".repeat(64),
  scopes: ["functions:invoke:report-*"],
  tenant: "default",
  createdAt: 5,
  expiresAt: null,
};
const event = (i: number) => ({
  id: `e${i}`,
  time: 1000 + i,
  actor: i % 2 ? "apikey:nfk_1" : "anonymous",
  tenant: "default",
  action: i % 2 ? "function.create" : "auth.denied",
  target: `fn${i}`,
  outcome: "success",
  status: 201,
  requestId: `r${i}`,
  source: "127.0.0.1",
});

describe("sqlite apikeys and audit", () => {
  test("keys survive a reopen; delete revokes; only the digest is stored", async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.apikeys.put(key);
    await store.apikeys.put({ ...key, id: "k2", keySha256: "b".repeat(64), expiresAt: 99 });
    expect(await store.apikeys.delete("k2")).toBe(true);
    expect(await store.apikeys.delete("k2")).toBe(false);
    await store.close();
    const again = createSqliteStore({ path });
    expect(await again.apikeys.loadAll()).toEqual([key]);
    await again.close();
  });

  test("audit: write-behind appends, newest first with cursor and filters, sweep, kept across close", async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    for (let i = 0; i < 5; i++) store.audit.append(event(i));
    await store.audit.flush();
    const first = await store.audit.list({ limit: 2 });
    expect(first.items.map((e) => e.id)).toEqual(["e4", "e3"]);
    const rest = await store.audit.list({ limit: 5, cursor: first.nextCursor! });
    expect(rest.items.map((e) => e.id)).toEqual(["e2", "e1", "e0"]);
    expect(rest.nextCursor).toBeNull();
    expect((await store.audit.list({ limit: 5, actor: "anonymous", since: 1001 })).items.map((e) => e.id)).toEqual([
      "e4",
      "e2",
    ]);
    expect(rest.items[2]).toEqual(event(0));
    await expect(store.audit.list({ limit: 5, cursor: "garbage" })).rejects.toBeInstanceOf(InvalidCursorError);
    expect(await store.audit.sweep(1002)).toBe(2);
    store.audit.append(event(9)); // not flushed: close must write it
    await store.close();
    const again = createSqliteStore({ path });
    expect((await again.audit.list({ limit: 10 })).items.map((e) => e.id)).toEqual(["e9", "e4", "e3", "e2"]);
    await again.close();
  });
});
