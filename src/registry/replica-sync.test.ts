/**
 * One round of replica sync (issue 20) against a real control plane on a memory store whose
 * executions pretend to be shared: functions another replica stored get registered here; the
 * unfinished work of a departed replica is claimed only by the leader, and recovered as start-up would.
 */
import { describe, expect, test } from "bun:test";
import pino from "pino";
import { testControlPlane } from "../../test/support/control-plane";
import { createMemoryStore } from "../store/memory/memory-store";
import type { ExecutionRow, StateStore } from "../store/state-store";
import { shareAmong, syncReplica } from "./replica-sync";

const orphan = (id: string, fn: string, lane: ExecutionRow["lane"], status: ExecutionRow["status"]): ExecutionRow => ({
  id,
  function: fn,
  lane,
  status,
  attempts: 1,
  input: '"hi"',
  metadata: null,
  idempotencyKey: null,
  trace: {},
  output: null,
  error: null,
  createdAt: 1,
  startedAt: status === "running" ? 2 : null,
  finishedAt: null,
  coldStart: false,
  initDurationMs: null,
  parentExecutionId: null,
  rootExecutionId: null,
});

/** A memory store whose `claimUnfinished` hands out `orphans` once, like a departed replica's rows. */
function sharedStore(orphans: ExecutionRow[]): StateStore & { claims: number } {
  const store = createMemoryStore();
  let left = orphans;
  const shared = {
    ...store,
    claims: 0,
    executions: {
      ...store.executions,
      claimUnfinished: async () => {
        shared.claims++;
        const rows = left;
        left = [];
        return rows;
      },
    },
  };
  return shared;
}

function harness(orphans: ExecutionRow[] = []) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const store = sharedStore(orphans);
  const cp = testControlPlane({}, { store });
  return { cp, store, logger, lines };
}

describe("replica sync", () => {
  test("a function another replica stored is registered here; one already here is left alone", async () => {
    const { cp, store, logger } = harness();
    await cp.functions.register({ name: "mine", executionMode: "LOCAL" }, "api");
    await store.functions.put({
      name: "theirs",
      spec: { name: "theirs", executionMode: "LOCAL", timeoutMs: 1234 },
      createdAt: 1,
      updatedAt: 1,
    });
    const round = await syncReplica({ ...cp, replicaId: "me", store, isLeader: () => false, logger });
    expect(round.functions).toBe(1);
    expect(cp.functions.get("theirs")?.timeoutMs).toBe(1234);
    expect((await syncReplica({ ...cp, replicaId: "me", store, isLeader: () => false, logger })).functions).toBe(0);
  });

  test("a follower claims nothing; the leader claims a departed replica's work and recovers it", async () => {
    const rows = [
      orphan("q1", "f", "async", "queued"),
      orphan("r1", "f", "async", "running"),
      orphan("s1", "f", "sync", "running"),
    ];
    const { cp, store, logger, lines } = harness(rows);
    await cp.functions.register({ name: "f", executionMode: "LOCAL" }, "api");
    expect((await syncReplica({ ...cp, replicaId: "me", store, isLeader: () => false, logger })).claimed).toBe(0);
    expect(store.claims).toBe(0);
    const round = await syncReplica({ ...cp, replicaId: "me", store, isLeader: () => true, logger });
    expect(round.claimed).toBe(3);
    expect(
      lines.find((l) => l.msg === "took over the unfinished executions of a control plane that is gone"),
    ).toMatchObject({
      requeued: 1,
      retried: 1,
      restartedSync: 1,
    });
    // The sync one cannot be answered any more: it ends as after a restart.
    await store.executions.flush();
    expect((await store.executions.get("s1"))?.error?.code).toBe("CONTROL_PLANE_RESTARTED");
  });

  test("each round sets this replica's share from the live replicas, sorted", async () => {
    const { cp, logger } = harness();
    const store = { ...createMemoryStore(), replicas: { live: async () => ["a", "me", "z"] } };
    await cp.functions.register({ name: "f", executionMode: "LOCAL", concurrency: 7 }, "api");
    await syncReplica({ ...cp, replicaId: "me", store, isLeader: () => false, logger });
    expect(cp.engine.queueStats().get("f")!.limit).toBe(2); // 7 = 3 + 2 + 2, rank 1
  });

  test("shareAmong ranks by position, and counts a replica whose row is missing", () => {
    expect(shareAmong(["a", "b", "c"], "b")).toEqual({ count: 3, rank: 1 });
    expect(shareAmong(["a", "c"], "b")).toEqual({ count: 3, rank: 2 });
  });
});
