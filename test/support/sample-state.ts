/**
 * @module
 * One of everything a StateStore keeps (tests of copies, backups and restores): write it with
 * `writeSampleState`, read it back with `readState` and compare the two snapshots.
 */
import type { StateStore } from "../../src/store/state-store";

export async function writeSampleState(store: StateStore, executions = 2_500): Promise<void> {
  await store.functions.put({
    name: "echo",
    spec: { image: "nanofaas/echo", env: { A: "é" } },
    createdAt: 1,
    updatedAt: 2,
  });
  await store.functions.put({ name: "slow", spec: { image: "nanofaas/slow" }, createdAt: 3, updatedAt: 3 });
  for (let i = 0; i < executions; i++) {
    const done = i % 4 !== 0;
    store.executions.record({
      id: `exec-${String(i).padStart(5, "0")}`,
      function: i % 2 ? "echo" : "slow",
      lane: i % 3 ? "async" : "sync",
      status: done ? (i % 5 ? "success" : "error") : "queued",
      attempts: 1 + (i % 3),
      input: `{"i": ${i}, "text": "x\\u00e9"}`,
      metadata: i % 7 ? null : { tenant: "t" },
      idempotencyKey: i % 11 ? null : `key-${i}`,
      trace: { traceId: `trace-${i}` },
      output: done ? `{"ok": ${i}}` : null,
      error: done && !(i % 5) ? { code: "FUNCTION_ERROR", message: "boom" } : null,
      createdAt: 10_000 + i,
      startedAt: done ? 10_001 + i : null,
      finishedAt: done ? 10_002 + i : null,
      coldStart: i === 1,
      initDurationMs: i === 1 ? 42.5 : null,
      parentExecutionId: null,
      rootExecutionId: null,
    });
  }
  await store.executions.flush();
  store.idempotency.publish("echo", "key-0", "exec-00000", Number.MAX_SAFE_INTEGER);
  store.idempotency.publish("echo", "expired", "exec-00001", 5);
  await store.dlq.add({
    id: "dlq-1",
    function: "slow",
    executionId: "exec-00005",
    input: '{"i": 5}',
    metadata: null,
    error: { code: "TIMEOUT", message: "took too long" },
    attempts: 3,
    failedAt: 20_000,
    replayedAs: null,
    rootExecutionId: null,
  });
  await store.apikeys.put({
    id: "key-1",
    name: "ci",
    prefix: "nfk_abc123",
    keySha256: "f".repeat(64),
    scopes: ["invoke"],
    tenant: "default",
    createdAt: 7,
    expiresAt: null,
  });
  for (let i = 0; i < 3; i++) {
    store.audit.append({
      id: `audit-${i}`,
      time: 30_000 + i,
      actor: "apikey:nfk_abc123",
      tenant: "default",
      action: "function.create",
      target: "echo",
      outcome: "success",
      status: 201,
      requestId: `req-${i}`,
      source: "127.0.0.1",
    });
  }
  await store.audit.flush();
}

/** Everything `store` holds, in a stable order (expired idempotency keys left out, as a restart would). */
export async function readState(store: StateStore) {
  const all = async <T>(list: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>) => {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(cursor);
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  };
  const byName = <T extends { name: string }>(rows: T[]) => rows.sort((a, b) => a.name.localeCompare(b.name));
  return {
    functions: byName(await store.functions.loadAll()),
    executions: await all((cursor) => store.executions.list({ limit: 500, cursor })),
    idempotency: (await store.idempotency.loadLive(1_000)).sort((a, b) => a.key.localeCompare(b.key)),
    dlq: await all((cursor) => store.dlq.list({ limit: 500, cursor })),
    apikeys: byName(await store.apikeys.loadAll()),
    audit: await all((cursor) => store.audit.list({ limit: 500, cursor })),
  };
}
