/**
 * @module
 * The request and response shapes of the workflow routes (SPEC-platform §7). Shape only: the
 * graph rules (unknown dependencies, cycles, functions, expressions) are checked by
 * workflows/definition.ts, which answers 400 VALIDATION_ERROR with details naming each step.
 */
import { z } from "zod";
import { ErrorInfo as ErrorInfoSchema } from "../schemas";

const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const Step = z
  .object({
    id: z.string().regex(STEP_ID, "must start with a letter or '_' and hold only letters, digits, '_' and '-' (≤ 63)"),
    function: z.string().min(1).max(63),
    dependsOn: z.array(z.string()).max(100).optional(),
    input: z.unknown().optional().meta({
      description:
        "The step's input: any JSON in which a string '$.input…' or '$.steps.<id>.output…' is replaced by the value it names ('$$…' escapes a literal '$'). Default: the workflow input, the one dependency's output, or {<dependency>: output}",
    }),
    when: z.string().max(2000).optional().meta({
      description: "Run only when true, e.g. \"$.steps.validate.output.valid == true && $.input.mode != 'dry'\"",
    }),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(10),
        backoffMs: z.number().int().min(0).max(600_000).optional(),
      })
      .optional(),
    timeoutMs: z.number().int().min(1).max(86_400_000).optional().meta({ description: "Per attempt" }),
  })
  .strict()
  .meta({ id: "WorkflowStep" });

export const WorkflowRequest = z
  .object({
    name: z.string().regex(NAME, "must be 1–63 lower-case letters, digits and '-', starting and ending alphanumeric"),
    description: z.string().max(2000).optional(),
    steps: z.array(Step).min(1).max(100),
    output: z.unknown().optional().meta({
      description: "The run's output mapping; default {<step>: output} of the steps nothing depends on",
    }),
    onFailure: z.enum(["failFast", "continue"]).optional(),
    timeoutMs: z.number().int().min(1).max(604_800_000).optional().meta({ description: "Of the whole run" }),
  })
  .strict()
  .meta({ id: "WorkflowRequest" });

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
