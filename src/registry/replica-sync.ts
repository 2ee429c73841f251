/**
 * @module
 * What keeps several control planes on one PostgreSQL store in step (issue 20), every few seconds:
 * - every replica counts the live ones and takes its share of each function's concurrency and of
 *   the rate limits (queue/replica-share.ts), so their sum over the replicas is the limit;
 * - every replica registers the functions another replica registered since (so a function can be
 *   invoked through any replica; updates and deletions reach the others at their next start —
 *   docs/high-availability.md);
 * - the leader claims the unfinished executions of replicas that are gone (their presence lock is
 *   free) and runs them as start-up recovery would: queued ones again, running ones as a new
 *   attempt, sync ones ended CONTROL_PLANE_RESTARTED (their callers' connections died with them);
 *   and their running workflow runs, resumed after their last completed step.
 */
import type { InvocationEngine } from "../execution/engine";
import type { Logger } from "../observability/logger";
import type { ReplicaShare } from "../queue/replica-share";
import type { StateStore } from "../store/state-store";
import type { FunctionService } from "./function-service";
import { registerStoredFunctions } from "./recover-state";

export interface ReplicaSyncDeps {
  /** This control plane's id (its rank among the live replicas sets its share of the limits). */
  replicaId: string;
  store: StateStore;
  functions: FunctionService;
  engine: InvocationEngine;
  isLeader: () => boolean;
  logger: Logger;
  /** Resumes the workflow runs of control planes that are gone (WorkflowService.resume). */
  workflows?: { resume(): Promise<number> };
}

/** One round; exported for tests. */
export async function syncReplica(deps: ReplicaSyncDeps): Promise<{ functions: number; claimed: number }> {
  const { store, functions, engine, isLeader, logger } = deps;
  if (store.replicas) engine.setReplicaShare(shareAmong(await store.replicas.live(), deps.replicaId));
  const { restored } = await registerStoredFunctions(store, functions, logger);
  if (restored > 0) logger.info({ functions: restored }, "registered functions another control plane added");
  if (!isLeader()) return { functions: restored, claimed: 0 };
  const runs = (await deps.workflows?.resume()) ?? 0;
  if (runs > 0) logger.warn({ runs }, "took over the workflow runs of a control plane that is gone");
  const claim = store.executions.claimUnfinished;
  if (!claim) return { functions: restored, claimed: 0 };
  const rows = await claim.call(store.executions);
  if (rows.length === 0) return { functions: restored, claimed: 0 };
  const summary = engine.recover(rows);
  logger.warn(summary, "took over the unfinished executions of a control plane that is gone");
  return { functions: restored, claimed: rows.length };
}

/** This replica's rank among the live ones; counted in even when its own row is missing for a moment. */
export function shareAmong(live: string[], me: string): ReplicaShare {
  const rank = live.indexOf(me);
  return rank >= 0 ? { count: live.length, rank } : { count: live.length + 1, rank: live.length };
}

/** Runs `syncReplica` every `everyMs`, one round at a time, until the returned function is called. */
export function startReplicaSync(deps: ReplicaSyncDeps, everyMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    syncReplica(deps)
      .catch((error) => deps.logger.warn({ err: error }, "replica sync failed; trying again"))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  return () => clearInterval(timer);
}
