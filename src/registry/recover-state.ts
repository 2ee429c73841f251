/**
 * @module
 * Start-up recovery of the durable state (issue 17), run by main.ts after NANOFAAS_FUNCTIONS_DIR
 * is registered and before readiness turns green:
 * 1. stored functions are registered again through the normal path, so the deployment backend
 *    re-adopts (k8s: create-or-update) or re-provisions (docker: same-named leftovers replaced;
 *    process: the previous run's process groups were reaped when the backend started) — never
 *    duplicated; a stored function that cannot come back is logged and skipped;
 * 2. live idempotency keys are reloaded;
 * 3. unfinished executions are queued again or ended (execution/recovery.ts) — on a store shared
 *    by several control planes, only those whose control plane is gone (`claimUnfinished`).
 */
import { parseStoredSpec } from "./stored-spec";
import type { InvocationEngine } from "../execution/engine";
import type { RecoverySummary } from "../execution/recovery";
import type { Logger } from "../observability/logger";
import type { StateStore } from "../store/state-store";
import type { FunctionService } from "./function-service";

export interface RecoveryDeps {
  store: StateStore;
  functions: FunctionService;
  engine: InvocationEngine;
}

export interface RecoveryReport extends RecoverySummary {
  functions: number;
  functionsFailed: number;
  idempotencyKeys: number;
}

/**
 * Registers the stored functions this control plane does not have, through the normal path. At
 * start-up: every stored function. On a store shared by several replicas (issue 20): those another
 * replica registered since.
 */
export async function registerStoredFunctions(
  store: StateStore,
  functions: FunctionService,
  logger: Logger,
): Promise<{ restored: number; failed: number }> {
  let restored = 0;
  let failed = 0;
  for (const row of await store.functions.loadAll()) {
    if (functions.get(row.name)) continue; // declared in NANOFAAS_FUNCTIONS_DIR: that spec wins
    try {
      await functions.register(parseStoredSpec(row.spec, row.name), "api", { restored: true });
      restored++;
    } catch (error) {
      failed++;
      logger.error(
        { function: row.name, err: error },
        "a stored function could not be registered again; its queued work ends FUNCTION_REMOVED",
      );
    }
  }
  return { restored, failed };
}

export async function recoverState(deps: RecoveryDeps, logger: Logger, now = Date.now()): Promise<RecoveryReport> {
  const { store, functions, engine } = deps;
  const { restored, failed } = await registerStoredFunctions(store, functions, logger);
  const keys = await store.idempotency.loadLive(now);
  for (const key of keys) engine.restoreIdempotencyKey(key.function, key.key, key.executionId, key.expiresAt);
  // A shared store hands over only what departed control planes left (issue 20), not what a live
  // replica is running; a store of its own hands over everything unfinished.
  const unfinished = store.executions.claimUnfinished
    ? await store.executions.claimUnfinished()
    : await store.executions.loadUnfinished();
  const summary = engine.recover(unfinished);
  // Readiness waits for the ends recovery decided (CONTROL_PLANE_RESTARTED …) to be on disk.
  await store.executions.flush();
  const report = { functions: restored, functionsFailed: failed, idempotencyKeys: keys.length, ...summary };
  if (Object.values(report).some((n) => n > 0)) logger.info(report, "recovered state from the store");
  return report;
}
