/**
 * @module
 * The request and response shapes of the workflow routes (SPEC-platform §7). Shape only: the
 * graph rules (unknown dependencies, cycles, functions, expressions) are checked by
 * workflows/definition.ts, which answers 400 VALIDATION_ERROR with details naming each step.
 */
import { z } from "zod";
import { WorkflowRequest } from "../../workflows/workflow-spec";
import { ErrorInfo as ErrorInfoSchema } from "../schemas";

export { WorkflowRequest };

export const Workflow = WorkflowRequest.extend({
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: "Workflow" });

const STEP_STATUS = ["pending", "running", "success", "error", "skipped", "cancelled"] as const;
export const RUN_STATUS = ["running", "success", "error", "cancelled", "timeout"] as const;

export const WorkflowRun = z
  .object({
    runId: z.string(),
    workflow: z.string(),
    version: z.number().int(),
    status: z.enum(RUN_STATUS),
    input: z.unknown(),
    output: z.unknown(),
    error: ErrorInfoSchema.nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    steps: z.array(
      z
        .object({
          id: z.string(),
          status: z.enum(STEP_STATUS),
          executionId: z.string().nullable(),
          attempts: z.number().int(),
          startedAt: z.string().nullable(),
          finishedAt: z.string().nullable(),
          input: z.unknown(),
          output: z.unknown(),
          error: ErrorInfoSchema.nullable(),
        })
        .meta({ id: "WorkflowRunStep" }),
    ),
  })
  .meta({ id: "WorkflowRun" });

export const RunRequest = z
  .object({ input: z.unknown().optional().meta({ description: "The workflow input ($.input)" }) })
  .meta({ id: "WorkflowRunRequest" });
