/**
 * @module
 * The durable side of the control plane (issue 17, SPEC-platform §1). The engine and the registry
 * keep their working set in memory (the hot path never reads a disk); this contract is what they
 * write through to, and what start-up reads back. Three implementations: `memory` (opt-in, nothing
 * survives), `sqlite` (the default, bun:sqlite in WAL mode) and `postgres` (shared, for HA).
 *
 * Rules every implementation keeps:
 * - Methods returning a Promise resolve only once the write is durable (committed); they reject
 *   with `StoreUnavailableError` when it cannot be (database down, disk full, read-only file).
 * - `executions.accept` is called concurrently by many `:enqueue` requests; implementations
 *   group-commit the calls that arrive while a commit is in flight into one transaction.
 * - `executions.record` is write-behind: it never blocks, batches, and a failed batch is retried
 *   (the sync path must never wait on a disk write).
 * - Rows are plain JSON-able data; no engine object crosses this edge.
 * - Lists are newest first with an opaque cursor (`decodeCursor` failures → `InvalidCursorError`).
 */
import type { TenantRows } from "./tenant-rows";
import type { VersionRows } from "./version-rows";
import type { ErrorInfo } from "../contracts/pod";
import type { ExecutionState } from "../contracts/invocation";
import type { TriggerRows } from "./trigger-rows";
import type { WorkflowRows } from "./workflow-rows";

export type StoreKind = "memory" | "sqlite" | "postgres";

/** A registered function as stored: its spec as the client gave it, plus bookkeeping. */
export interface FunctionRow {
  name: string;
  /** The registration body (FunctionSpec JSON), re-resolved at start-up. */
  spec: unknown;
  createdAt: number;
  updatedAt: number;
}

/** One execution as stored; `input`/`output` are raw JSON text (byte-exact, as the engine keeps it). */
export interface ExecutionRow {
  id: string;
  function: string;
  lane: "sync" | "async";
  status: ExecutionState;
  /** Attempts started so far (1 before the first dispatch). */
  attempts: number;
  input: string;
  metadata: Record<string, string> | null;
  idempotencyKey: string | null;
  trace: { traceId?: string; traceparent?: string; tracestate?: string };
  output: string | null;
  error: ErrorInfo | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  coldStart: boolean;
  initDurationMs: number | null;
  /** Set when this execution replays a DLQ entry or is a child of another. */
  parentExecutionId: string | null;
  rootExecutionId: string | null;
  /**
   * The trigger that started it (issue 21), null for an API call. Optional so stores written
   * before it need no change; one that does not keep it reads back null.
   */
  trigger?: { type: "cron" | "webhook" | "nats" | "rabbitmq"; id: string; scheduledAt?: string } | null;
}

export interface ExecutionQuery {
  function?: string;
  /** A whole chain (issue 23): the execution with this id and every one whose rootExecutionId it is. */
  root?: string;
  status?: ExecutionState;
  /** Epoch ms, inclusive, on createdAt. */
  since?: number;
  until?: number;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A dead-lettered async execution (SPEC-platform §1). */
export interface DeadLetterRow {
  id: string;
  function: string;
  executionId: string;
  input: string;
  metadata: Record<string, string> | null;
  error: ErrorInfo | null;
  attempts: number;
  failedAt: number;
  replayedAs: string | null;
  /** The first execution of the replay chain when the dead execution was itself a replay, else null. */
  rootExecutionId: string | null;
}

export interface DeadLetterQuery {
  function?: string;
  limit: number;
  cursor?: string;
}

export interface FunctionRows {
  loadAll(): Promise<FunctionRow[]>;
  put(row: FunctionRow): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface ExecutionRows {
  /** Durable before `:enqueue` answers 202 (group-committed). */
  accept(row: ExecutionRow): Promise<void>;
  /** Write-behind upsert of a row's latest state (sync executions, state changes of async ones). */
  record(row: ExecutionRow): void;
  /** Resolves once every `record` call made before it is durable (tests, drain, list queries). */
  flush(): Promise<void>;
  get(id: string): Promise<ExecutionRow | undefined>;
  list(query: ExecutionQuery): Promise<Page<ExecutionRow>>;
  /** Everything not terminal: what start-up must re-queue (async) or end (sync). */
  loadUnfinished(): Promise<ExecutionRow[]>;
  /**
   * Shared stores (PostgreSQL, issue 20): instead of everything unfinished, only what control
   * planes that are gone left unfinished, now owned by this one. Start-up uses it in place of
   * `loadUnfinished`, and the leader calls it periodically to take over a dead replica's work.
   */
  claimUnfinished?(): Promise<ExecutionRow[]>;
  /** Deletes terminal rows finished before `finishedBefore`; returns how many. */
  sweep(finishedBefore: number): Promise<number>;
}

export interface IdempotencyRows {
  /** Keys whose expiry is after `now` (start-up reload). */
  loadLive(now: number): Promise<{ function: string; key: string; executionId: string; expiresAt: number }[]>;
  /** Write-behind, like `executions.record`. */
  publish(fn: string, key: string, executionId: string, expiresAt: number): void;
  forgetFunction(fn: string): Promise<void>;
  sweep(now: number): Promise<void>;
}

export interface DeadLetterRows {
  add(row: DeadLetterRow): Promise<void>;
  get(id: string): Promise<DeadLetterRow | undefined>;
  list(query: DeadLetterQuery): Promise<Page<DeadLetterRow>>;
  markReplayed(id: string, executionId: string): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Deletes every entry (of one function when given); returns how many. */
  purge(fn?: string): Promise<number>;
  /** Per-function sizes for the DLQ gauge. */
  sizes(): Promise<Map<string, number>>;
  sweep(failedBefore: number): Promise<number>;
}

/**
 * An API key as stored (issue 18, SPEC-platform §2). Only the SHA-256 of the secret is kept; the
 * prefix (the secret's first characters) names the key in lists and logs.
 */
export interface ApiKeyRow {
  id: string;
  name: string;
  /** Public, e.g. `nfk_3kQ9x2`: identifies the key without revealing it. */
  prefix: string;
  /** Lower-case hex SHA-256 of the whole secret. */
  keySha256: string;
  scopes: string[];
  tenant: string;
  createdAt: number;
  /** Epoch ms; null = never. */
  expiresAt: number | null;
}

export interface ApiKeyRows {
  loadAll(): Promise<ApiKeyRow[]>;
  /** Durable before `POST /v1/apikeys` answers 201. */
  put(row: ApiKeyRow): Promise<void>;
  /** Revocation: the row is gone; false when there was none. */
  delete(id: string): Promise<boolean>;
}

/** One audit event (SPEC-platform §2): a mutating call or a denied one. */
export interface AuditRow {
  /** Unique and increasing with `time` within one store (the list's tie-breaker). */
  id: string;
  time: number;
  /** `apikey:<prefix>`, `oidc:<subject>`, `anonymous` or `callback`. Never a secret. */
  actor: string;
  tenant: string;
  /** `<object>.<verb>`: `function.create`, `apikey.revoke`, `auth.denied`, … */
  action: string;
  target: string | null;
  /** `success`, `failure` (the call was answered 4xx/5xx) or `denied` (401/403/429 by auth). */
  outcome: string;
  status: number;
  requestId: string;
  source: string;
}

export interface AuditQuery {
  /** Epoch ms, inclusive. */
  since?: number;
  actor?: string;
  action?: string;
  tenant?: string;
  limit: number;
  cursor?: string;
}

export interface AuditRows {
  /** Write-behind, like `executions.record`: the request never waits on it. */
  append(row: AuditRow): void;
  /** Resolves once every `append` made before it is durable. */
  flush(): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<Page<AuditRow>>;
  /** Deletes events older than `before`; returns how many (retention). */
  sweep(before: number): Promise<number>;
}

export interface StateStore {
  readonly kind: StoreKind;
  readonly functions: FunctionRows;
  readonly executions: ExecutionRows;
  readonly idempotency: IdempotencyRows;
  readonly dlq: DeadLetterRows;
  /** API keys (issue 18). */
  readonly apikeys: ApiKeyRows;
  /** The audit log (issue 18). */
  readonly audit: AuditRows;
  /**
   * Cron fire state and webhooks (issue 21). Optional so a store without it still compiles: the
   * control plane then keeps trigger state in memory (and says so at start-up).
   */
  readonly triggers?: TriggerRows;
  /**
   * Workflow definitions and runs (issue 23). Required: every store keeps them (memory, SQLite,
   * PostgreSQL), so a run started on a durable store is always durable.
   */
  readonly workflows: WorkflowRows;
  /**
   * Function version history (issue 22). Optional as `triggers`: without it the control plane keeps
   * history in memory (and says so at start-up).
   */
  readonly versions?: VersionRows;
  /**
   * Tenants and their quotas (issue 19). Optional as `versions`: without it the control plane keeps
   * tenants in memory (and says so at start-up).
   */
  readonly tenants?: TenantRows;
  /**
   * The control planes sharing this store (PostgreSQL, issue 20): the sorted ids of the live ones.
   * Absent on a store only one process uses.
   */
  readonly replicas?: { live(): Promise<string[]> };
  /** False while the database cannot be reached or written (readiness answers 503 meanwhile). */
  healthy(): boolean;
  /**
   * Rows the database refused for their content and the store dropped (write-batcher.ts: a poison
   * row is isolated from its batch; each is logged). The `store_poison_rows_total` metric. Absent
   * on the memory store, which refuses nothing.
   */
  poisonRows?(): number;
  /** Flushes write-behind batches and closes connections. */
  close(): Promise<void>;
}

/** The store cannot persist right now; the API answers 503 `STORE_UNAVAILABLE`. */
export class StoreUnavailableError extends Error {
  readonly code = "STORE_UNAVAILABLE";
}

/** A list cursor this store did not issue; the API answers 400 `BAD_REQUEST`. */
export class InvalidCursorError extends Error {
  readonly code = "BAD_REQUEST";
}

/** The database's schema is newer than this build knows; start-up refuses to continue. */
export class SchemaTooNewError extends Error {}
