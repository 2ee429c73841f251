import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readState, sampleCounts, writeSampleState } from "../../test/support/sample-state";
import { copyStateStore } from "./copy-store";
import { createMemoryStore } from "./memory/memory-store";
import { createSqliteStore } from "./sqlite/sqlite-store";
import type { StateStore } from "./state-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-copy-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store of a kind that keeps no trigger state or version history (both optional in StateStore). */
function withoutSubStores(store: StateStore): StateStore {
  const { triggers: _t, versions: _v, ...core } = store;
  return core;
}

test("a copy holds every row of the source; expired idempotency keys stay behind", async () => {
  const from = createMemoryStore();
  await writeSampleState(from, 1_234);
  const to = createMemoryStore();
  const counts = await copyStateStore(from, to, 1_000);
  expect(counts).toEqual(sampleCounts(1_234));
  await to.executions.flush();
  expect(await readState(to)).toEqual(await readState(from));
});

test("SQLite file to SQLite file: trigger state, version history (a rolled-back active version) and workflows arrive", async () => {
  const source = createSqliteStore({ path: join(dir, "from.db") });
  await writeSampleState(source, 300);
  await source.close(); // what a stopped control plane leaves on disk
  const from = createSqliteStore({ path: join(dir, "from.db") });
  const to = createSqliteStore({ path: join(dir, "to.db") });
  expect(await copyStateStore(from, to, 1_000)).toEqual(sampleCounts(300));
  await to.close();
  const reopened = createSqliteStore({ path: join(dir, "to.db") });
  const state = await readState(reopened);
  expect(state).toEqual(await readState(from));
  expect(state.versions?.find((v) => v.name === "echo")).toMatchObject({ active: 2 });
  expect(state.versions?.find((v) => v.name === "echo")?.history.map((v) => v.version)).toEqual([1, 2, 3]);
  expect(state.triggers?.schedules.map((s) => [s.scheduleId, s.paused, s.pending])).toEqual([
    ["nightly", false, [41_000, 42_000]],
    ["hourly", true, []],
  ]);
  expect(state.triggers?.webhooks[0]?.secret).toBe("s3cret");
  expect(state.workflows?.runs.map((r) => [r.id, r.status, r.steps.length])).toEqual([
    ["run-2", "running", 2],
    ["run-1", "success", 2],
    ["run-0", "success", 2],
  ]);
  await from.close();
  await reopened.close();
});

test("a copy into a store that holds anything is refused before writing", async () => {
  const from = createMemoryStore();
  await writeSampleState(from, 3);
  const to = createMemoryStore();
  await to.apikeys.put({
    id: "k",
    name: "n",
    prefix: "p",
    keySha256: "0".repeat(64),
    scopes: [],
    tenant: "t",
    createdAt: 1,
    expiresAt: null,
  });
  await expect(copyStateStore(from, to)).rejects.toThrow("the target store is not empty (it holds API keys)");
  expect(await to.functions.loadAll()).toEqual([]);
});

test("trigger state or workflows alone make a target not empty", async () => {
  const from = createMemoryStore();
  await writeSampleState(from, 3);
  const withWebhook = createMemoryStore();
  const webhook = (await from.triggers!.webhooks.loadAll())[0]!;
  await withWebhook.triggers!.webhooks.put(webhook);
  await expect(copyStateStore(from, withWebhook)).rejects.toThrow("not empty (it holds trigger state)");
  const withWorkflow = createMemoryStore();
  await withWorkflow.workflows!.definitions.put({ name: "w", version: 1, definition: {}, createdAt: 1, updatedAt: 1 });
  await expect(copyStateStore(from, withWorkflow)).rejects.toThrow("not empty (it holds workflows)");
  expect(await withWorkflow.functions.loadAll()).toEqual([]);
});

test("a target that keeps no versions or trigger state is refused when the source has them: nothing is written", async () => {
  const from = createMemoryStore();
  await writeSampleState(from, 3);
  const to = withoutSubStores(createMemoryStore());
  await expect(copyStateStore(from, to)).rejects.toThrow(
    "the target store keeps no trigger state, function versions: copying would lose them; nothing was copied",
  );
  expect(await to.functions.loadAll()).toEqual([]);
  expect((await to.executions.list({ limit: 1 })).items).toEqual([]);
});

test("a source without the optional sub-stores copies into one that has them (counted 0)", async () => {
  const full = createMemoryStore();
  await writeSampleState(full, 3);
  const from = withoutSubStores(full);
  const to = createMemoryStore();
  const counts = await copyStateStore(from, to, 1_000);
  expect(counts).toMatchObject({ functions: 2, cronSchedules: 0, webhooks: 0, functionVersions: 0, workflowRuns: 3 });
  expect(await to.versions!.list("echo")).toEqual([]);
});
