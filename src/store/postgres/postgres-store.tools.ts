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
import { tenantRowsContract } from "../tenant-rows.contract";
import { versionRowsContract } from "../version-rows.contract";
import { run as workflowRun, workflowRowsContract } from "../workflow-rows.contract";
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

// Workflows (issue 23, schema v4): the same contract as memory and SQLite, and durable.
describe("workflow rows: postgres", () => {
  workflowRowsContract("postgres", async () => {
    const store = await fresh();
    return { rows: store.workflows, close: () => store.close() };
  });

  test("definitions and runs survive a restart; a step's end is durable once putStep resolves", async () => {
    const store = await fresh();
    await store.workflows.definitions.put({
      name: "etl",
      version: 3,
      definition: { a: 1 },
      createdAt: 1,
      updatedAt: 2,
    });
    await store.workflows.runs.put(workflowRun("r1", "etl", 10));
    const [first, second] = workflowRun("r1", "etl", 10).steps;
    const done = {
      ...first!,
      status: "success" as const,
      attempts: 1,
      output: { rows: [1] },
      startedAt: 11,
      finishedAt: 12,
    };
    await store.workflows.runs.putStep("r1", done);
    await store.close();
    const reopened = await open(urls.get(store)!);
    try {
      expect(await reopened.workflows.definitions.loadAll()).toEqual([
        { name: "etl", version: 3, definition: { a: 1 }, createdAt: 1, updatedAt: 2 },
      ]);
      expect(await reopened.workflows.runs.loadUnfinished()).toEqual([
        workflowRun("r1", "etl", 10, { steps: [done, second!] }),
      ]);
    } finally {
      await reopened.close();
    }
  });

  test("strings JSON allows but jsonb would refuse (NUL, a lone surrogate) round-trip", async () => {
    const store = await fresh();
    try {
      const odd = { message: "a\u0000b\ud800c" };
      await store.workflows.runs.put(
        workflowRun("r1", "etl", 10, { input: odd, error: { code: "X", message: odd.message } }),
      );
      const got = await store.workflows.runs.get("r1");
      expect(got?.input).toEqual(odd);
      expect(got?.error?.message).toBe(odd.message);
    } finally {
      await store.close();
    }
  });
});

// Tenants (issue 19, schema v7): the same contract as memory and SQLite, and durable.
const tenantStores: StateStore[] = [];
describe("tenant rows: postgres", () => {
  afterAll(async () => {
    await Promise.all(tenantStores.map((store) => store.close()));
  });
  tenantRowsContract(async () => {
    const store = await fresh();
    tenantStores.push(store);
    return store.tenants!;
  });

  test("tenants survive a restart", async () => {
    const store = await fresh();
    await store.tenants!.put({
      name: "team-a",
      quotas: { maxFunctions: 2 },
      source: "file",
      createdAt: 1,
      updatedAt: 2,
    });
    await store.close();
    const reopened = await open(urls.get(store)!);
    tenantStores.push(reopened);
    expect(await reopened.tenants!.loadAll()).toEqual([
      { name: "team-a", quotas: { maxFunctions: 2 }, source: "file", createdAt: 1, updatedAt: 2 },
    ]);
  });
});
