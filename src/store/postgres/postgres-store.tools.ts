/**
 * PostgreSQL tier (`just test-postgres`, part of `just test-tools`): the StateStore contracts against
 * a real server (Debian's postgresql, installed when missing, started in a temp dir by the test).
 * Each test gets its own database on one server.
 */
import { usePostgresServer } from "../../../test/support/postgres-server";
import { coreRowsContract } from "../core-rows.contract";
import { deadLetterRowsContract } from "../dead-letter-rows.contract";
import { executionListContract } from "../execution-list.contract";
import type { StateStore } from "../state-store";
import { describeStateStoreContract } from "../state-store.contract";
import { triggerRowsContract } from "../trigger-rows.contract";
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
