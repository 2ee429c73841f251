/**
 * @module
 * Copies every durable row from one StateStore into another, through the contract only — so it
 * moves SQLite to PostgreSQL (docs/persistence.md, "Moving from SQLite to PostgreSQL"), and back,
 * and works for any pair of stores. Both control planes must be stopped: the source is read as it
 * is, and the target must be empty (a copy never merges into live data). Expired idempotency keys
 * are left behind; everything else is copied as it is, ids and times included: the optional
 * sub-stores too (trigger state, function version history) and workflows. A target that lacks an
 * optional sub-store the source holds rows in is refused before anything is written, rather than
 * losing those rows.
 */
import type { StateStore } from "./state-store";
import type { TriggerRows } from "./trigger-rows";
import type { VersionRows } from "./version-rows";
import type { WorkflowRows } from "./workflow-rows";

export interface CopyCounts {
  functions: number;
  executions: number;
  idempotencyKeys: number;
  deadLetters: number;
  apiKeys: number;
  auditEvents: number;
  /** Cron fire state, one row per schedule of a function. */
  cronSchedules: number;
  webhooks: number;
  /** Every kept version of every function (the active one is set as in the source). */
  functionVersions: number;
  workflowDefinitions: number;
  /** Runs with all their step rows. */
  workflowRuns: number;
}

const PAGE = 1000;

type Lister<T> = (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>;

/** Hands every page of a newest-first list to `write` (which makes it durable); returns the row count. */
async function copyPages<T>(list: Lister<T>, write: (rows: T[]) => Promise<void>): Promise<number> {
  let copied = 0;
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    await write(page.items);
    copied += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return copied;
}

/** Writes each row with `put`, one after another; returns the count. */
async function copyEach<T>(rows: T[], put: (row: T) => Promise<void> | void): Promise<number> {
  for (const row of rows) await put(row);
  return rows.length;
}

/** Throws unless `store` holds no row in any of its sub-stores. */
export async function assertEmpty(store: StateStore, what: string): Promise<void> {
  const held = [
    (await store.functions.loadAll()).length > 0 && "functions",
    (await store.executions.list({ limit: 1 })).items.length > 0 && "executions",
    (await store.dlq.list({ limit: 1 })).items.length > 0 && "dead letters",
    (await store.apikeys.loadAll()).length > 0 && "API keys",
    (await store.audit.list({ limit: 1 })).items.length > 0 && "audit events",
    (await countTriggers(store.triggers)) > 0 && "trigger state",
    (await countWorkflows(store.workflows)) > 0 && "workflows",
  ].filter(Boolean);
  // Version history belongs to functions: an empty target has none of either (checked above).
  if (held.length > 0) throw new Error(`${what} is not empty (it holds ${held.join(", ")}); copy into an empty store`);
}

const countTriggers = async (rows: TriggerRows | undefined) =>
  rows ? (await rows.schedules.loadAll()).length + (await rows.webhooks.loadAll()).length : 0;

const countWorkflows = async (rows: WorkflowRows) =>
  (await rows.definitions.loadAll()).length + (await rows.runs.list({ limit: 1 })).items.length;

/** Refuses, before any write, a target that lacks a sub-store the source holds rows in. */
async function assertTargetKeeps(from: StateStore, to: StateStore, names: string[]): Promise<void> {
  const lost: string[] = [];
  if (!to.triggers && (await countTriggers(from.triggers)) > 0) lost.push("trigger state");
  if (!to.versions && from.versions) {
    for (const name of names) {
      if ((await from.versions.list(name)).length === 0) continue;
      lost.push("function versions");
      break;
    }
  }
  if (lost.length > 0) {
    throw new Error(`the target store keeps no ${lost.join(", ")}: copying would lose them; nothing was copied`);
  }
}

export async function copyStateStore(from: StateStore, to: StateStore, now = Date.now()): Promise<CopyCounts> {
  await assertEmpty(to, "the target store");
  const functionRows = await from.functions.loadAll();
  await assertTargetKeeps(
    from,
    to,
    functionRows.map((row) => row.name),
  );
  const functions = await copyEach(functionRows, (row) => to.functions.put(row));
  const executions = await copyPages(
    (cursor) => from.executions.list({ limit: PAGE, cursor }),
    async (rows) => {
      for (const row of rows) to.executions.record(row);
      await to.executions.flush();
    },
  );
  const idempotencyKeys = await copyEach(await from.idempotency.loadLive(now), (key) =>
    to.idempotency.publish(key.function, key.key, key.executionId, key.expiresAt),
  );
  const deadLetters = await copyPages(
    (cursor) => from.dlq.list({ limit: PAGE, cursor }),
    (rows) => copyEach(rows, (row) => to.dlq.add(row)).then(() => {}),
  );
  const apiKeys = await copyEach(await from.apikeys.loadAll(), (row) => to.apikeys.put(row));
  const auditEvents = await copyPages(
    (cursor) => from.audit.list({ limit: PAGE, cursor }),
    async (rows) => {
      for (const row of rows) to.audit.append(row);
      await to.audit.flush();
    },
  );
  const triggers = await copyTriggers(from.triggers, to.triggers);
  const functionVersions = await copyVersions(
    from.versions,
    to.versions,
    functionRows.map((row) => row.name),
  );
  const workflows = await copyWorkflows(from.workflows, to.workflows);
  return {
    functions,
    executions,
    idempotencyKeys,
    deadLetters,
    apiKeys,
    auditEvents,
    ...triggers,
    functionVersions,
    ...workflows,
  };
}

async function copyTriggers(from: TriggerRows | undefined, to: TriggerRows | undefined) {
  if (!from || !to) return { cronSchedules: 0, webhooks: 0 };
  return {
    cronSchedules: await copyEach(await from.schedules.loadAll(), (row) => to.schedules.put(row)),
    webhooks: await copyEach(await from.webhooks.loadAll(), (row) => to.webhooks.put(row)),
  };
}

/**
 * Oldest first, so the numbers and their order are kept (`append` makes each one active in turn);
 * then the source's active version — after a rollback not the newest — is made active again,
 * with its traffic split (issue 22).
 */
async function copyVersions(from: VersionRows | undefined, to: VersionRows | undefined, names: string[]) {
  if (!from || !to) return 0;
  let copied = 0;
  for (const name of names) {
    copied += await copyEach(await from.list(name), (row) => to.append(row));
    const active = await from.active(name);
    if (active !== undefined) await to.setTraffic(name, await from.traffic(name), active);
  }
  return copied;
}

async function copyWorkflows(from: WorkflowRows, to: WorkflowRows) {
  const workflowDefinitions = await copyEach(await from.definitions.loadAll(), (row) => to.definitions.put(row));
  const workflowRuns = await copyPages(
    (cursor) => from.runs.list({ limit: PAGE, cursor }),
    (rows) => copyEach(rows, (run) => to.runs.put(run)).then(() => {}),
  );
  return { workflowDefinitions, workflowRuns };
}
