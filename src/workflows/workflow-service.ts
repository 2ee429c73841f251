/**
 * @module
 * Workflows (issue 23, SPEC-platform §7): named, versioned DAG definitions and their runs. Runs go
 * through the invocation engine one step at a time (run-execution.ts); their state is durable in
 * the store's `workflows` sub-store, and `resume()` (at start-up) continues the runs a stopped
 * process left running.
 */
import type { ErrorInfo } from "../contracts/pod";
import { NanofaasError, notFound } from "../domain/errors";
import type { Logger } from "../observability/logger";
import type { WorkflowRow, WorkflowRows, WorkflowRunQuery, WorkflowRunRow } from "../store/workflow-rows";
import { compileWorkflow, type WorkflowDefinition, type WorkflowPlan } from "./definition";
import { RunExecution, type StepInvoker } from "./run-execution";
import type { WorkflowMetrics } from "./workflow-metrics";

export interface WorkflowServiceDeps {
  rows: WorkflowRows;
  /** The engine (a getter: it is built after this service in the control plane). */
  invoker: () => StepInvoker;
  functionExists: (name: string) => boolean;
  metrics?: WorkflowMetrics;
  logger?: Logger;
  now?: () => number;
  newId?: () => string;
}

export interface WorkflowView extends WorkflowDefinition {
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** How long `:invoke` waits for a workflow without a timeoutMs before answering `running`. */
export const INVOKE_DEFAULT_WAIT_MS = 60_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class WorkflowService {
  private definitions: Map<string, WorkflowRow> | undefined;
  private loading: Promise<Map<string, WorkflowRow>> | undefined;
  private readonly active = new Map<string, RunExecution>();
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly deps: WorkflowServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  async create(def: WorkflowDefinition): Promise<WorkflowView> {
    const all = await this.all();
    if (all.has(def.name))
      throw new NanofaasError("CONFLICT", `Workflow '${def.name}' already exists (PUT replaces it)`);
    compileWorkflow(def, this.deps.functionExists);
    const now = this.now();
    return this.store({ name: def.name, version: 1, definition: def, createdAt: now, updatedAt: now });
  }

  async replace(name: string, def: WorkflowDefinition): Promise<WorkflowView> {
    const existing = await this.require(name);
    if (def.name !== name)
      throw new NanofaasError("VALIDATION_ERROR", `The body names '${def.name}', the path '${name}'`);
    compileWorkflow(def, this.deps.functionExists);
    return this.store({ ...existing, version: existing.version + 1, definition: def, updatedAt: this.now() });
  }

  async get(name: string): Promise<WorkflowView> {
    return viewOf(await this.require(name));
  }

  async list(): Promise<WorkflowView[]> {
    return [...(await this.all()).values()].sort((a, b) => a.name.localeCompare(b.name)).map(viewOf);
  }

  /** Runs already started keep the definition they started with. */
  async delete(name: string): Promise<void> {
    await this.require(name);
    await this.deps.rows.definitions.delete(name);
    this.definitions?.delete(name);
  }

  /** Starts a run (durable before this resolves); it goes on in the background. */
  async run(name: string, input: unknown): Promise<RunExecution> {
    const row = await this.require(name);
    const def = row.definition as WorkflowDefinition;
    const plan = compileWorkflow(def, this.deps.functionExists);
    const now = this.now();
    const run: WorkflowRunRow = {
      id: this.newId(),
      workflow: name,
      version: row.version,
      definition: def,
      status: "running",
      input: input ?? null,
      output: null,
      error: null,
      startedAt: now,
      finishedAt: null,
      deadline: def.timeoutMs === undefined ? null : now + def.timeoutMs,
      steps: def.steps.map((step) => ({
        ...{ id: step.id, status: "pending" as const, executionId: null, attempts: 0 },
        ...{ input: null, output: null, error: null, startedAt: null, finishedAt: null },
      })),
    };
    await this.deps.rows.runs.put(run);
    this.deps.metrics?.run(name, "started");
    return this.launch(run, plan);
  }

  /** Runs and waits for the end, at most the workflow's timeoutMs (else INVOKE_DEFAULT_WAIT_MS). */
  async invoke(name: string, input: unknown): Promise<WorkflowRunRow> {
    const execution = await this.run(name, input);
    const wait = (execution.snapshot().definition as WorkflowDefinition).timeoutMs ?? INVOKE_DEFAULT_WAIT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<WorkflowRunRow>((resolve) => {
      timer = setTimeout(() => resolve(execution.snapshot()), wait + 1_000);
    });
    const run = await Promise.race([execution.finished, waited]);
    clearTimeout(timer);
    return run;
  }

  async getRun(id: string): Promise<WorkflowRunRow> {
    const live = this.active.get(id);
    if (live) return live.snapshot();
    const row = await this.deps.rows.runs.get(id);
    if (!row) throw notFound(`Workflow run '${id}'`);
    return row;
  }

  listRuns(query: WorkflowRunQuery): Promise<{ items: WorkflowRunRow[]; nextCursor: string | null }> {
    return this.deps.rows.runs.list(query);
  }

  async cancelRun(id: string): Promise<WorkflowRunRow> {
    const live = this.active.get(id);
    if (live) return live.cancel();
    const row = await this.getRun(id);
    if (row.status !== "running")
      throw new NanofaasError("CONFLICT", `Workflow run '${id}' already ended (${row.status})`);
    // Running in the store but not here (its process stopped before resume): end it in the store.
    const ended: WorkflowRunRow = { ...row, status: "cancelled", finishedAt: this.now() };
    ended.error = { code: "CANCELLED", message: "The run was cancelled" };
    for (const step of ended.steps) if (["pending", "running"].includes(step.status)) step.status = "cancelled";
    await this.deps.rows.runs.put(ended);
    this.deps.metrics?.run(row.workflow, "cancelled");
    return ended;
  }

  /**
   * Start-up (and, on a shared store, the leader every few seconds): continues the runs left
   * `running` (completed steps are not run again) — on a shared store only those of control planes
   * that are gone, never a live replica's.
   */
  async resume(): Promise<number> {
    const runs = this.deps.rows.runs.claimUnfinished
      ? await this.deps.rows.runs.claimUnfinished()
      : await this.deps.rows.runs.loadUnfinished();
    for (const run of runs) {
      if (this.active.has(run.id)) continue;
      // Functions are checked when the definition is written; one deleted since fails its step instead.
      const plan = compileWorkflow(run.definition as WorkflowDefinition, () => true);
      this.launch(run, plan);
    }
    return runs.length;
  }

  /** Runs in progress in this process (the in-flight gauge, tests). */
  activeRuns(): number {
    return this.active.size;
  }

  private launch(run: WorkflowRunRow, plan: WorkflowPlan): RunExecution {
    const rows = this.deps.rows.runs;
    const execution = new RunExecution(run, plan, {
      invoker: this.deps.invoker(),
      saveStep: (runId, step) => rows.putStep(runId, step),
      saveRun: (ended) => rows.put(ended),
      onStepDone: (step, seconds) =>
        this.deps.metrics?.step(run.workflow, step.id, step.status === "success" ? "success" : "error", seconds),
      reportError: (error, what) => this.deps.logger?.error({ err: error }, `${what} failed`),
      now: this.now,
    });
    this.active.set(run.id, execution);
    void execution.finished.then((ended) => {
      this.active.delete(run.id);
      if (ended.status !== "running") this.deps.metrics?.run(run.workflow, ended.status);
    });
    execution.start();
    return execution;
  }

  private async store(row: WorkflowRow): Promise<WorkflowView> {
    await this.deps.rows.definitions.put(row);
    (await this.all()).set(row.name, row);
    return viewOf(row);
  }

  private async require(name: string): Promise<WorkflowRow> {
    const row = (await this.all()).get(name);
    if (!row) throw notFound(`Workflow '${name}'`);
    return row;
  }

  private async all(): Promise<Map<string, WorkflowRow>> {
    if (this.definitions) return this.definitions;
    this.loading ??= this.deps.rows.definitions.loadAll().then((rows) => new Map(rows.map((r) => [r.name, r])));
    this.definitions = await this.loading;
    return this.definitions;
  }
}

function viewOf(row: WorkflowRow): WorkflowView {
  return {
    ...(row.definition as WorkflowDefinition),
    version: row.version,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/** GET /v1/workflow-runs/{id}: the run with ISO times (SPEC-platform §7). */
export function runView(run: WorkflowRunRow) {
  return {
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    input: run.input,
    output: run.output,
    error: run.error as ErrorInfo | null,
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: iso(run.finishedAt),
    steps: run.steps.map((step) => ({
      ...step,
      startedAt: iso(step.startedAt),
      finishedAt: iso(step.finishedAt),
    })),
  };
}
