/**
 * @module
 * The zod shape of a workflow definition (SPEC-platform §7): what POST/PUT /v1/workflows accept and
 * what the Workflow custom resource's spec schema is generated from (src/operator/workflow-crd.ts),
 * so the two cannot drift. Shape only: the graph rules (unknown dependencies, cycles, functions,
 * expressions) are checked by definition.ts.
 */
import { z } from "zod";

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
