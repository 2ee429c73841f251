/**
 * @module
 * Copies every durable row from one StateStore into another, through the contract only — so it
 * moves SQLite to PostgreSQL (docs/persistence.md, "Moving from SQLite to PostgreSQL"), and back,
 * and works for any pair of stores. Both control planes must be stopped: the source is read as it
 * is, and the target must be empty (a copy never merges into live data). Expired idempotency keys
 * are left behind; everything else is copied as it is, ids and times included.
 */
import type { StateStore } from "./state-store";

export interface CopyCounts {
  functions: number;
  executions: number;
  idempotencyKeys: number;
  deadLetters: number;
  apiKeys: number;
  auditEvents: number;
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

/** Throws unless `store` holds no function, execution, DLQ entry, API key or audit event. */
export async function assertEmpty(store: StateStore, what: string): Promise<void> {
  const held = [
    (await store.functions.loadAll()).length > 0 && "functions",
    (await store.executions.list({ limit: 1 })).items.length > 0 && "executions",
    (await store.dlq.list({ limit: 1 })).items.length > 0 && "dead letters",
    (await store.apikeys.loadAll()).length > 0 && "API keys",
    (await store.audit.list({ limit: 1 })).items.length > 0 && "audit events",
  ].filter(Boolean);
  if (held.length > 0) throw new Error(`${what} is not empty (it holds ${held.join(", ")}); copy into an empty store`);
}

export async function copyStateStore(from: StateStore, to: StateStore, now = Date.now()): Promise<CopyCounts> {
  await assertEmpty(to, "the target store");
  const functions = await copyEach(await from.functions.loadAll(), (row) => to.functions.put(row));
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
  return { functions, executions, idempotencyKeys, deadLetters, apiKeys, auditEvents };
}
