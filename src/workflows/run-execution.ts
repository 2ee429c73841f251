/**
 * @module
 * One workflow run in progress. Steps whose dependencies are all done start at once, so
 * independent steps run in parallel; each step calls its function through the engine (a sync
 * invocation per attempt) and retries up to its `retry.maxAttempts`. Every step transition is
 * written to the store before the run moves on, so a restart resumes after the last completed
 * step (completed steps are never re-run; a step that was running is run again: at-least-once).
 *
 * A step runs when each dependency succeeded or was skipped (a `when` that was false), as in Argo
 * DAGs; a failed dependency skips it (onFailure `continue`) — with `failFast` the first failed step
 * ends the run and the rest are cancelled.
 */
import type { ErrorInfo } from "../contracts/pod";
import { NanofaasError } from "../domain/errors";
import type { Payload } from "../domain/payload";
import type { InvocationOutcome, InvokeOptions } from "../execution/invoker";
import { RawJson } from "../lib/raw-json";
import { sleep } from "../lib/sleep";
import type { WorkflowRunRow, WorkflowRunStatus, WorkflowStepRow } from "../store/workflow-rows";
import { evaluate, truthy } from "./expressions";
import type { CompiledStep, WorkflowPlan } from "./definition";

export interface StepInvoker {
  invoke(
    name: string,
    request: { input: Payload; metadata?: Record<string, string> },
    options: InvokeOptions,
  ): Promise<InvocationOutcome>;
}

export interface RunDeps {
  invoker: StepInvoker;
  /** Durable writes; a failure is reported, the run goes on (a restart may then repeat a step). */
  saveStep(runId: string, step: WorkflowStepRow): Promise<void>;
  saveRun(run: WorkflowRunRow): Promise<void>;
  onStepDone?(step: WorkflowStepRow, seconds: number): void;
  reportError(error: unknown, what: string): void;
  now?: () => number;
}

const DONE = new Set(["success", "error", "skipped", "cancelled"]);
const isDone = (step: WorkflowStepRow) => DONE.has(step.status);
const asJson = (payload: Payload | null): unknown =>
  payload instanceof RawJson ? JSON.parse(payload.text) : (payload ?? null);

export class RunExecution {
  readonly finished: Promise<WorkflowRunRow>;
  private resolveFinished!: (run: WorkflowRunRow) => void;
  private readonly steps: Map<string, WorkflowStepRow>;
  private readonly stopped = new AbortController();
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly run: WorkflowRunRow,
    private readonly plan: WorkflowPlan,
    private readonly deps: RunDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    this.steps = new Map(run.steps.map((step) => [step.id, step]));
  }

  get id(): string {
    return this.run.id;
  }

  /** A copy of the run as it is now. */
  snapshot(): WorkflowRunRow {
    return structuredClone(this.run);
  }

  /** Starts (or resumes) the run: steps that were running when the process stopped run again. */
  start(): void {
    for (const step of this.run.steps) if (step.status === "running") step.status = "pending";
    if (this.run.deadline !== null) {
      this.deadlineTimer = setTimeout(() => void this.end("timeout", timeoutError()), this.run.deadline - this.now());
    }
    this.pump();
  }

  cancel(): Promise<WorkflowRunRow> {
    void this.end("cancelled", { code: "CANCELLED", message: "The run was cancelled" });
    return this.finished;
  }

  /** Starts every pending step whose dependencies are done; ends the run when nothing is left. */
  private pump(): void {
    if (this.run.status !== "running") return;
    for (const compiled of this.plan.steps) {
      const step = this.steps.get(compiled.def.id);
      if (step?.status !== "pending") continue;
      const deps = compiled.dependsOn.map((id) => this.steps.get(id));
      if (!deps.every((dep) => dep && isDone(dep))) continue;
      if (deps.some((dep) => dep?.status === "error" || dep?.status === "cancelled")) {
        this.settle(step, "skipped", null, null);
      } else if (compiled.when && !truthy(evaluate(compiled.when, this.scope()))) {
        this.settle(step, "skipped", null, null);
      } else void this.runStep(compiled, step);
    }
    if (this.run.steps.every(isDone)) void this.complete();
  }

  private scope(): { input: unknown; steps: Record<string, { output: unknown; status: string }> } {
    const steps: Record<string, { output: unknown; status: string }> = {};
    for (const step of this.run.steps) steps[step.id] = { output: step.output, status: step.status };
    return { input: this.run.input, steps };
  }

  private async runStep(compiled: CompiledStep, step: WorkflowStepRow): Promise<void> {
    step.status = "running";
    step.input = compiled.input(this.scope());
    step.startedAt = this.now();
    step.finishedAt = null;
    step.error = null;
    step.attempts = 0;
    await this.save(step);
    let error: ErrorInfo | null = null;
    while (step.attempts < compiled.maxAttempts && this.run.status === "running") {
      if (step.attempts > 0) await sleep(compiled.backoffMs * 2 ** (step.attempts - 1), this.stopped.signal);
      if (this.run.status !== "running") return;
      step.attempts++;
      const result = await this.attempt(compiled, step);
      if (this.run.status !== "running") return; // cancelled, timed out or failed fast meanwhile
      if (result.ok) return this.finishStep(step, "success", result.output, null);
      error = result.error;
    }
    if (this.run.status === "running") this.finishStep(step, "error", null, error);
  }

  private async attempt(
    compiled: CompiledStep,
    step: WorkflowStepRow,
  ): Promise<{ ok: true; output: unknown } | { ok: false; error: ErrorInfo }> {
    try {
      const outcome = await this.deps.invoker.invoke(
        compiled.def.function,
        { input: step.input as Payload, metadata: { "workflow-run": this.run.id, "workflow-step": step.id } },
        { timeoutMs: compiled.def.timeoutMs },
      );
      step.executionId = outcome.executionId;
      if (outcome.status === "success") return { ok: true, output: asJson(outcome.output) };
      return { ok: false, error: outcome.error ?? { code: outcome.status.toUpperCase(), message: outcome.status } };
    } catch (error) {
      if (error instanceof NanofaasError) return { ok: false, error: { code: error.code, message: error.message } };
      this.deps.reportError(error, `workflow run ${this.run.id} step ${step.id}`);
      return { ok: false, error: { code: "INTERNAL_ERROR", message: String(error) } };
    }
  }

  private finishStep(step: WorkflowStepRow, status: "success" | "error", output: unknown, error: ErrorInfo | null) {
    this.deps.onStepDone?.({ ...step, status }, (this.now() - (step.startedAt ?? this.now())) / 1000);
    this.settle(step, status, output, error);
    if (status === "error" && this.plan.onFailure === "failFast") {
      void this.end("error", stepFailed(step.id, error));
    }
  }

  /** Records a step's end durably, then looks for what can run next. */
  private settle(step: WorkflowStepRow, status: WorkflowStepRow["status"], output: unknown, error: ErrorInfo | null) {
    step.status = status;
    step.output = output;
    step.error = error;
    step.finishedAt = this.now();
    void this.save(step).then(() => this.pump());
  }

  private async complete(): Promise<void> {
    const failed = this.run.steps.find((step) => step.status === "error");
    if (failed) return this.end("error", stepFailed(failed.id, failed.error));
    let output: unknown = null;
    try {
      output = this.plan.output(this.scope());
    } catch (error) {
      return this.end("error", { code: "OUTPUT_ERROR", message: String(error) });
    }
    return this.end("success", null, output);
  }

  /** The run's end (once): steps not done are cancelled, the whole run is written, waiters wake. */
  private async end(status: Exclude<WorkflowRunStatus, "running">, error: ErrorInfo | null, output: unknown = null) {
    if (this.run.status !== "running") return;
    this.run.status = status;
    clearTimeout(this.deadlineTimer);
    this.stopped.abort();
    const now = this.now();
    for (const step of this.run.steps) {
      if (isDone(step)) continue;
      step.status = "cancelled";
      step.finishedAt = now;
    }
    this.run.output = output;
    this.run.error = error;
    this.run.finishedAt = now;
    try {
      await this.deps.saveRun(this.run);
    } catch (e) {
      this.deps.reportError(e, `saving workflow run ${this.run.id}`);
    }
    this.resolveFinished(this.snapshot());
  }

  private async save(step: WorkflowStepRow): Promise<void> {
    try {
      await this.deps.saveStep(this.run.id, { ...step });
    } catch (error) {
      this.deps.reportError(error, `saving step ${step.id} of workflow run ${this.run.id}`);
    }
  }
}

const stepFailed = (id: string, error: ErrorInfo | null): ErrorInfo => ({
  code: "STEP_FAILED",
  message: `Step '${id}' failed${error ? `: ${error.code}: ${error.message}` : ""}`,
});
const timeoutError = (): ErrorInfo => ({ code: "TIMEOUT", message: "The run exceeded the workflow's timeoutMs" });
