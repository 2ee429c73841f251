/**
 * @module
 * What the HTTP edge needs from the invocation engine. The routes depend on this interface only,
 * so the engine can change shape (or be replaced by a fake in tests) without touching the API.
 */
import type { ExecutionState } from "../contracts/invocation";
import type { Payload } from "../domain/payload";
import type { ErrorInfo, InvocationRequest, InvocationResult } from "../contracts/pod";

export type { ExecutionState } from "../contracts/invocation";

export interface InvokeOptions {
  idempotencyKey?: string;
  traceId?: string;
  traceparent?: string;
  tracestate?: string;
  /** How long a sync caller waits (X-Timeout-Ms); defaults to the function's timeoutMs. */
  timeoutMs?: number;
  /** X-Function-Version: runs the call on this version (the active one or one in the traffic split). */
  version?: number;
  /** The execution this one replays or continues (a DLQ replay); recorded, never sent to the pod. */
  lineage?: Lineage;
  /** What started it when not an API call (a cron schedule, a webhook); recorded, never sent to the pod. */
  trigger?: TriggerInfo;
}

/**
 * SPEC-platform §5: `{type: "cron", id, scheduledAt}` or `{type: "webhook", id}`; a message-queue
 * source's execution carries `{type: "nats", id: "<stream>/<durable>"}` or `{type: "rabbitmq", id: <queue>}`.
 */
export interface TriggerInfo {
  type: "cron" | "webhook" | "nats" | "rabbitmq";
  id: string;
  /** Cron only: the fire time (ISO-8601 UTC) this execution is for. */
  scheduledAt?: string;
}

/** Links an execution to the one it replays (`parentExecutionId`) and the first of the chain. */
export interface Lineage {
  parentExecutionId: string;
  rootExecutionId: string;
}

/** Body of `:invoke` and `:enqueue` responses. */
export interface InvocationOutcome {
  executionId: string;
  status: ExecutionState;
  output: Payload | null;
  error: ErrorInfo | null;
}

/**
 * Body of `GET /v1/executions/{id}`: the reference's eight keys first (always present), then ours
 * (SPEC-platform §1: function, attempts, createdAt, and the lineage, null when none).
 */
export interface ExecutionView {
  executionId: string;
  status: ExecutionState;
  startedAt: string | null;
  finishedAt: string | null;
  output: Payload | null;
  error: ErrorInfo | null;
  coldStart: boolean;
  initDurationMs: number | null;
  function: string;
  /** The function version that ran it (issue 22); absent for executions read back from a store. */
  version?: number;
  attempts: number;
  createdAt: string;
  parentExecutionId: string | null;
  rootExecutionId: string | null;
  /** The trigger that started it, null for an API call. */
  trigger: TriggerInfo | null;
}

export interface Invoker {
  /** Sync: resolves when the execution ends or the caller's wait expires. Throws NanofaasError on rejection. */
  invoke(name: string, request: InvocationRequest<Payload>, options: InvokeOptions): Promise<InvocationOutcome>;
  /**
   * Async: resolves once the execution is queued (status `queued`) and durable in the state store.
   * Rejects with NanofaasError (a 429/404/503 … rejection, STORE_UNAVAILABLE when it cannot persist).
   */
  enqueue(name: string, request: InvocationRequest<Payload>, options: InvokeOptions): Promise<InvocationOutcome>;
  /** An execution the engine holds in memory. */
  execution(id: string): ExecutionView | undefined;
  /** As `execution`, also reading the durable store (executions from before a restart). */
  findExecution(id: string): Promise<ExecutionView | undefined>;
  /**
   * Runtime callback; `attempt` undefined means the current attempt. Unknown ids, finished
   * executions and earlier attempts are ignored. Throws NanofaasError CONFLICT for an attempt that
   * was never dispatched (nothing changes).
   */
  complete(id: string, result: InvocationResult<Payload>, attempt: number | undefined): void;
}
