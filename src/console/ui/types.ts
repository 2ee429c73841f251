/** The API's shapes the console reads (a subset of the OpenAPI document's). */
export interface ErrorInfo {
  code: string;
  message: string;
}

export interface FunctionView {
  name: string;
  image?: string;
  command: string[];
  timeoutMs: number;
  concurrency: number;
  queueSize: number;
  maxRetries: number;
  effectiveExecutionMode: string;
  runtimeMode: string;
  status?: { state: string; ready?: number; desired?: number; lastError?: string };
  [field: string]: unknown;
}

export type { FunctionStats } from "../../observability/function-stats";

export interface Execution {
  executionId: string;
  function: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  coldStart: boolean;
  input?: unknown;
  output: unknown;
  error: ErrorInfo | null;
  parentExecutionId: string | null;
  rootExecutionId: string | null;
  trigger?: { type: string; id: string; scheduledAt?: string } | null;
}

export interface DeadLetter {
  id: string;
  function: string;
  executionId: string;
  input: unknown;
  error: ErrorInfo | null;
  attempts: number;
  failedAt: string;
  replayedAs: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Schedule {
  id: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  paused: boolean;
  nextRuns: string[];
  lastRunAt: string | null;
}

export { EXECUTION_STATES } from "../../contracts/invocation";
