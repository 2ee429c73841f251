/**
 * @module
 * One of everything a StateStore keeps (tests of copies, backups and restores): write it with
 * `writeSampleState`, read it back with `readState` and compare the two snapshots.
 */
import type { CopyCounts } from "../../src/store/copy-store";
import type { StateStore } from "../../src/store/state-store";

/** What copying the sample state (with `executions` executions) counts, expired idempotency key left out. */
export const sampleCounts = (executions: number): CopyCounts => ({
  functions: 2,
  executions,
  idempotencyKeys: 1,
  deadLetters: 1,
  apiKeys: 1,
  auditEvents: 3,
  cronSchedules: 2,
  webhooks: 1,
  functionVersions: 4,
  workflowDefinitions: 1,
  workflowRuns: 3,
});

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
  await writeSampleSubStores(store);
}

/** Trigger state, version history and workflows, into the sub-stores `store` has. */
async function writeSampleSubStores(store: StateStore): Promise<void> {
  await store.triggers?.schedules.put({
    function: "echo",
    scheduleId: "nightly",
    lastScheduledAt: 40_000,
    lastRunAt: 40_001,
    lastExecutionId: "exec-00002",
    paused: false,
    pending: [41_000, 42_000],
  });
  await store.triggers?.schedules.put({
    function: "slow",
    scheduleId: "hourly",
    lastScheduledAt: 40_500,
    lastRunAt: null,
    lastExecutionId: null,
    paused: true,
    pending: [],
  });
  await store.triggers?.webhooks.put({
    id: "wh-1",
    function: "echo",
    format: "github",
    mode: "async",
    filters: [{ field: "header:x-github-event", values: ["push"] }],
    secret: "s3cret",
    previousSecret: "old",
    previousSecretExpiresAt: 50_000,
    createdAt: 8,
    updatedAt: 9,
  });
  // echo was rolled back: its active version (2) is not its newest (3).
  for (const version of [1, 2, 3]) {
    await store.versions?.append({
      name: "echo",
      version,
      spec: { name: "echo", image: `nanofaas/echo:${version}` },
      createdAt: version,
    });
  }
  await store.versions?.setActive("echo", 2);
  // and splits its calls with version 3 (issue 22)
  await store.versions?.setTraffic("echo", [
    { version: 2, weight: 80 },
    { version: 3, weight: 20 },
  ]);
  await store.versions?.append({
    name: "slow",
    version: 1,
    spec: { name: "slow", image: "nanofaas/slow" },
    createdAt: 3,
  });
  const definition = {
    steps: [
      { id: "a", function: "echo" },
      { id: "b", function: "slow", after: ["a"] },
    ],
  };
  await store.workflows.definitions.put({ name: "etl", version: 2, definition, createdAt: 60, updatedAt: 61 });
  const step = (id: string, status: "success" | "running" | "pending", at: number) => ({
    id,
    status,
    executionId: status === "pending" ? null : `exec-${id}-${at}`,
    attempts: status === "pending" ? 0 : 1,
    input: { from: id },
    output: status === "success" ? { ok: true, big: 12345678901234 } : null,
    error: null,
    startedAt: status === "pending" ? null : at,
    finishedAt: status === "success" ? at + 1 : null,
  });
  for (let i = 0; i < 3; i++) {
    const running = i === 2;
    await store.workflows.runs.put({
      id: `run-${i}`,
      workflow: "etl",
      version: 2,
      definition,
      status: running ? "running" : "success",
      input: { n: i },
      output: running ? null : { done: i },
      error: null,
      startedAt: 70_000 + i,
      finishedAt: running ? null : 70_100 + i,
      deadline: running ? 99_000 : null,
      steps: [step("a", "success", 70_000 + i), step("b", running ? "running" : "success", 70_050 + i)],
    });
  }
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
    ...(await readSubStores(store, all)),
  };
}

type ListAll = <T>(list: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>) => Promise<T[]>;

async function readSubStores(store: StateStore, all: ListAll) {
  const { triggers, versions, workflows } = store;
  const functions = (await store.functions.loadAll()).map((f) => f.name).sort();
  return {
    triggers: triggers && {
      schedules: (await triggers.schedules.loadAll()).sort((a, b) =>
        `${a.function}/${a.scheduleId}`.localeCompare(`${b.function}/${b.scheduleId}`),
      ),
      webhooks: (await triggers.webhooks.loadAll()).sort((a, b) => a.id.localeCompare(b.id)),
    },
    versions:
      versions &&
      (await Promise.all(
        functions.map(async (name) => ({
          name,
          history: await versions.list(name),
          active: await versions.active(name),
          traffic: await versions.traffic(name),
        })),
      )),
    workflows: {
      definitions: (await workflows.definitions.loadAll()).sort((a, b) => a.name.localeCompare(b.name)),
      runs: await all((cursor) => workflows.runs.list({ limit: 500, cursor })),
    },
  };
}
