/**
 * @module
 * Workflow metrics (issue 23): `nanofaas_workflow_runs_total{workflow, outcome}` (outcome: started,
 * success, error, cancelled, timeout) and `nanofaas_workflow_step_duration_seconds{workflow, step,
 * status}` (each finished step attempt series: success or error).
 */
import { Counter, Histogram, type Registry } from "prom-client";
import type { WorkflowRunStatus } from "../store/workflow-rows";

export interface WorkflowMetrics {
  run(workflow: string, outcome: "started" | Exclude<WorkflowRunStatus, "running">): void;
  step(workflow: string, step: string, status: "success" | "error", seconds: number): void;
}

export function createWorkflowMetrics(registry: Registry): WorkflowMetrics {
  const runs = new Counter({
    name: "nanofaas_workflow_runs_total",
    help: "Workflow runs started and finished, by workflow and outcome",
    labelNames: ["workflow", "outcome"] as const,
    registers: [registry],
  });
  const steps = new Histogram({
    name: "nanofaas_workflow_step_duration_seconds",
    help: "Duration of finished workflow steps (all attempts), by workflow, step and status",
    labelNames: ["workflow", "step", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  return {
    run: (workflow, outcome) => runs.inc({ workflow, outcome }),
    step: (workflow, step, status, seconds) => steps.observe({ workflow, step, status }, seconds),
  };
}
