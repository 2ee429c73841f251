/**
 * PostgreSQL tier (`just test-postgres`, part of `just test-tools`): the StateStore contracts against
 * a real server (Debian's postgresql, installed when missing, started in a temp dir by the test).
 * Each test gets its own database on one server.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { usePostgresServer } from "../../../test/support/postgres-server";
import { coreRowsContract } from "../core-rows.contract";
import { deadLetterRowsContract } from "../dead-letter-rows.contract";
import { executionListContract } from "../execution-list.contract";
import type { StateStore } from "../state-store";
import { describeStateStoreContract } from "../state-store.contract";
import { triggerRowsContract } from "../trigger-rows.contract";
import { versionRowsContract } from "../version-rows.contract";
import { createPostgresStore } from "./create-postgres-store";

const server = usePostgresServer();
let databases = 0;
const urls = new WeakMap<StateStore, string>();

const open = async (url: string) => {
  const store = await createPostgresStore(url, { connectTimeoutMs: 5_000 });
  urls.set(store, url);
  return store;
};
const fresh = async () => open(await server().createDatabase(`contract_${++databases}`));

describeStateStoreContract("postgres", { create: fresh, reopen: (closed) => open(urls.get(closed)!) });

coreRowsContract("postgres", {
  open: fresh,
  reopen: async (store) => {
    await store.close();
    return open(urls.get(store)!);
  },
});

deadLetterRowsContract("postgres", async () => {
  const store = await fresh();
  return { rows: store.dlq, close: () => store.close() };
});

executionListContract("postgres", async () => {
  const store = await fresh();
  return {
    put: async (rows) => {
      for (const row of rows) store.executions.record(row);
      await store.executions.flush();
    },
    list: (query) => store.executions.list(query),
    close: () => store.close(),
  };
});

triggerRowsContract("postgres", {
  open: fresh,
  reopen: async (store) => {
    await store.close();
    return open(urls.get(store)!);
  },
});

// Version history (issue 22, schema v3): the same contract as memory and SQLite, and durable.
const versionStores: StateStore[] = [];
describe("version rows: postgres", () => {
  // inside the describe, so it runs before the file's afterAll stops the server
  afterAll(async () => {
    await Promise.all(versionStores.map((store) => store.close()));
  });
  versionRowsContract(async () => {
    const store = await fresh();
    versionStores.push(store);
    return store.versions!;
  });

  test("history and the active version survive a restart", async () => {
    const store = await fresh();
    const spec = (v: number) => ({ name: "f", image: `img:${v}` });
    await store.versions!.append({ name: "f", version: 1, spec: spec(1), createdAt: 1 });
    await store.versions!.append({ name: "f", version: 2, spec: spec(2), createdAt: 2 });
    await store.versions!.setActive("f", 1);
    await store.close();
    const reopened = await open(urls.get(store)!);
    versionStores.push(reopened);
    expect((await reopened.versions!.list("f")).map((r) => r.spec)).toEqual([spec(1), spec(2)]);
    expect(await reopened.versions!.active("f")).toBe(1);
  });
});
