/**
 * @module
 * Follows function chains at run time (issue 23; the spec and the registration check are in
 * domain/chain.ts). An engine observer: when an execution of a function with a `chain` ends, the
 * next function is invoked asynchronously through the engine like any `:enqueue` — durable before
 * it counts as started, queued, retried, dead-lettered — linked to it by `parentExecutionId` and
 * `rootExecutionId` (the first execution of the chain), so the chain can be followed from any step.
 *
 * Depth is guarded here again, counted along the root: registration refuses cycles and over-deep
 * chains, but a later update (or two racing registrations) can still make one, and a cycle must
 * not run forever. Each step's depth travels in its metadata (`chain-depth`), which is durable
 * with the execution, so the count survives a restart.
 *
 * The next execution is enqueued in a microtask after the terminal transition: not inside the
 * engine's own transition (no re-entry), yet before the store's next commit can start (commits run
 * on setImmediate/timers), so the ended execution's terminal row and the next one's accepted row
 * are committed in the same transaction — a crash loses both (the first execution runs again after
 * the restart and continues the chain) or neither.
 */
import type { ErrorInfo } from "../contracts/pod";
import { MAX_CHAIN_DEPTH_SETTING } from "../domain/chain";
import { NanofaasError } from "../domain/errors";
import type { Payload } from "../domain/payload";
import type { EngineObserver } from "../execution/engine-observer";
import type { ExecutionRecord } from "../execution/execution-record";
import type { Invoker } from "../execution/invoker";
import { nextKey } from "../tenants/tenant-key";
import type { Logger } from "../observability/logger";
import type { ChainMetrics } from "./chain-metrics";

/** Metadata keys the follower sets on each chained execution (visible to the function). */
export const CHAIN_FROM = "chain-from";
export const CHAIN_DEPTH = "chain-depth";
export const CHAIN_ERROR = "chain-error";

export interface ChainFollowerDeps {
  /** Lazy: the engine is built with this observer already in it. */
  invoker: () => Pick<Invoker, "enqueue">;
  /** NANOFAAS_MAX_CHAIN_DEPTH: most functions one chain runs, the first included. */
  maxDepth: number;
  metrics?: ChainMetrics;
  logger?: Logger;
}

export function chainFollower(deps: ChainFollowerDeps): EngineObserver {
  return {
    onFinished: (record) => {
      const chain = record.fn.chain;
      if (!chain) return;
      // A version taking part of the traffic runs as the internal `f@vN`: the chain is the function's.
      const from = record.fn.versionOf ?? record.fn.name;
      const failed = record.state !== "success";
      if (failed && chain.onError === "stop") {
        deps.metrics?.step(from, chain.next, "stopped");
        return;
      }
      const depth = chainDepth(record) + 1;
      if (depth > deps.maxDepth) {
        deps.metrics?.step(from, chain.next, "too_deep");
        deps.logger?.warn(
          { function: from, next: chain.next, executionId: record.id, depth, maxDepth: deps.maxDepth },
          `chain stopped: invoking '${chain.next}' would make the chain longer than ${MAX_CHAIN_DEPTH_SETTING}`,
        );
        return;
      }
      const input: Payload = chain.passOutput && !failed ? (record.output ?? null) : record.request.input;
      const metadata = chainMetadata(record, depth, failed ? record.error : null);
      const lineage = { parentExecutionId: record.id, rootExecutionId: record.lineage?.rootExecutionId ?? record.id };
      const { traceId, traceparent, tracestate } = record.trace;
      queueMicrotask(() => {
        // async: an admission refusal thrown synchronously (unknown function, queue full) rejects
        const start = async () =>
          // `next` is a function of the same tenant as `from` (src/tenants/tenant-key.ts).
          deps
            .invoker()
            .enqueue(nextKey(from, chain.next), { input, metadata }, { lineage, traceId, traceparent, tracestate });
        start().then(
          () => deps.metrics?.step(from, chain.next, "started"),
          (error: unknown) => {
            const code = error instanceof NanofaasError ? error.code : "INTERNAL_ERROR";
            deps.metrics?.step(from, chain.next, code === "NOT_FOUND" ? "next_missing" : "refused");
            deps.logger?.error(
              { function: from, next: chain.next, executionId: record.id, code, err: (error as Error).message },
              `chain step not started: '${chain.next}' refused the invocation`,
            );
          },
        );
      });
    },
  };
}

/**
 * How many functions of its chain ran up to and including `record`: 1 for an execution nobody
 * chained (no lineage — a client cannot lengthen a chain by sending `chain-depth`), else what its
 * metadata says. Unreadable values count as 1: the next steps then carry our own numbers.
 */
export function chainDepth(record: Pick<ExecutionRecord, "lineage" | "request">): number {
  if (!record.lineage) return 1;
  const text = record.request.metadata?.[CHAIN_DEPTH];
  const depth = text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : 0;
  return depth >= 1 ? depth : 1;
}

/** The ended execution's metadata, minus chain and workflow keys of its own, plus this step's. */
function chainMetadata(record: ExecutionRecord, depth: number, error: ErrorInfo | null): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(record.request.metadata ?? {})) {
    if (!key.startsWith("chain-") && !key.startsWith("workflow-")) metadata[key] = value;
  }
  metadata[CHAIN_FROM] = record.fn.versionOf ?? record.fn.name;
  metadata[CHAIN_DEPTH] = String(depth);
  if (error) metadata[CHAIN_ERROR] = error.code;
  return metadata;
}
