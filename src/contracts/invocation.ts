/**
 * @module
 * The invoke contract's shared facts, each written once: the execution states, the longest wait a
 * caller may ask for and the custom verbs of the invocation paths.
 * The API schemas, the engine and the edge parsers all take them from here.
 */
export const EXECUTION_STATES = ["queued", "running", "success", "error", "timeout"] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

/** Longest timeout a function or a caller (X-Timeout-Ms) may ask for: 15 minutes. */
export const MAX_TIMEOUT_MS = 900_000;

/**
 * Google-style custom verbs: `POST /v1/functions/{name}:invoke|enqueue`, `…/executions/{id}:complete`,
 * `/v1/dlq/{id}:replay` and `/v1/dlq:purge`.
 */
export const CUSTOM_VERBS = [
  "invoke",
  "enqueue",
  "complete",
  "replay",
  "purge",
  "trigger",
  "pause",
  "resume",
  "rotate-secret",
  "reset-circuit",
  "run",
  "cancel",
  "rollback",
  "promote",
] as const;
export type CustomVerb = (typeof CUSTOM_VERBS)[number];
/** The verbs that start an invocation. */
export const INVOKE_VERBS = ["invoke", "enqueue"] as const satisfies readonly CustomVerb[];
export type InvokeVerb = (typeof INVOKE_VERBS)[number];
