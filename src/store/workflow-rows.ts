/**
 * @module
 * The workflows' durable state (issue 23), an additive sub-store of StateStore: workflow
 * definitions (named, versioned DAGs) and their runs. A run is one row plus one row per step, so
 * a step's completion is one small write and a restart resumes after the last completed step.
 * Inputs, outputs and definitions are plain JSON values.
 */
import type { ErrorInfo } from "../contracts/pod";

/** A workflow definition as stored: the body the client wrote (validated), with its version. */
export interface WorkflowRow {
  name: string;
  /** 1 at creation, +1 on each PUT. */
  version: number;
  definition: unknown;
  createdAt: number;
  updatedAt: number;
}

export type WorkflowRunStatus = "running" | "success" | "error" | "cancelled" | "timeout";
export type WorkflowStepStatus = "pending" | "running" | "success" | "error" | "skipped" | "cancelled";

export interface WorkflowStepRow {
  id: string;
  status: WorkflowStepStatus;
  /** The execution of the step's latest attempt. */
  executionId: string | null;
  attempts: number;
  input: unknown;
  output: unknown;
  error: ErrorInfo | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface WorkflowRunRow {
  id: string;
  workflow: string;
  version: number;
  /** The definition the run started with (a later PUT does not change a running run). */
  definition: unknown;
  status: WorkflowRunStatus;
  input: unknown;
  output: unknown;
  error: ErrorInfo | null;
  startedAt: number;
  finishedAt: number | null;
  /** Epoch ms after which the run times out; null = no limit. */
  deadline: number | null;
  steps: WorkflowStepRow[];
}

export interface WorkflowRunQuery {
  workflow?: string;
  status?: WorkflowRunStatus;
  limit: number;
  cursor?: string;
}

export interface WorkflowDefinitionRows {
  loadAll(): Promise<WorkflowRow[]>;
  put(row: WorkflowRow): Promise<void>;
  /** False when there was none. */
  delete(name: string): Promise<boolean>;
}

export interface WorkflowRunRows {
  /** Writes the run row and all of its step rows (at start, and when the run ends). */
  put(run: WorkflowRunRow): Promise<void>;
  /** Writes one step's row (each step transition); the run row is untouched. */
  putStep(runId: string, step: WorkflowStepRow): Promise<void>;
  get(id: string): Promise<WorkflowRunRow | undefined>;
  /** Newest first (by startedAt, then id), with an opaque cursor. */
  list(query: WorkflowRunQuery): Promise<{ items: WorkflowRunRow[]; nextCursor: string | null }>;
  /** Runs still `running`: what start-up resumes. */
  loadUnfinished(): Promise<WorkflowRunRow[]>;
  /**
   * On a store shared by several control planes (PostgreSQL, issue 20): takes over the running
   * runs of control planes that are gone and returns them — what this one should resume instead
   * of `loadUnfinished`, which would also return runs a live replica drives.
   */
  claimUnfinished?(): Promise<WorkflowRunRow[]>;
}

export interface WorkflowRows {
  definitions: WorkflowDefinitionRows;
  runs: WorkflowRunRows;
}
