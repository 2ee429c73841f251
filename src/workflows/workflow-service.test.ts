/**
 * The workflow runner through WorkflowService with a fake step invoker: parallel steps, `when`,
 * retries, both failure policies, cancel, timeout, and resuming a stored run without re-running
 * its completed steps.
 */
import { describe, expect, test } from "bun:test";
import { NanofaasError } from "../domain/errors";
import type { InvocationOutcome } from "../execution/invoker";
import { createMemoryWorkflowRows } from "../store/memory/workflow-rows";
import type { WorkflowRows } from "../store/workflow-rows";
import type { WorkflowDefinition } from "./definition";
import { WorkflowService } from "./workflow-service";

type Handler = (input: unknown) => Promise<unknown> | unknown;

function harness(handlers: Record<string, Handler>, rows: WorkflowRows = createMemoryWorkflowRows()) {
  const calls: { fn: string; input: unknown; start: number; end?: number }[] = [];
  let n = 0;
  const invoker = {
    invoke: async (fn: string, request: { input: unknown }): Promise<InvocationOutcome> => {
      const call: (typeof calls)[number] = { fn, input: request.input, start: performance.now() };
      calls.push(call);
      const executionId = `e${++n}`;
      try {
        const output = await (handlers[fn] as Handler)(request.input);
        return { executionId, status: "success", output: output as never, error: null };
      } catch (error) {
        if (error instanceof NanofaasError) throw error;
        return {
          executionId,
          status: "error",
          output: null,
          error: { code: "FUNCTION_ERROR", message: String(error) },
        };
      } finally {
        call.end = performance.now();
      }
    },
  };
  const service = new WorkflowService({ rows, invoker: () => invoker, functionExists: (f) => f in handlers });
  return { service, calls, rows };
}

const hang = () => new Promise(() => {});
const etl = (extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition => ({
  name: "etl",
  steps: [
    { id: "extract", function: "extract" },
    { id: "transform", function: "transform", dependsOn: ["extract"] },
    { id: "validate", function: "validate", dependsOn: ["extract"] },
    { id: "load", function: "load", dependsOn: ["transform", "validate"], input: "$.steps.transform.output" },
  ],
  output: { loaded: "$.steps.load.output", valid: "$.steps.validate.output.ok" },
  ...extra,
});

describe("runs", () => {
  test("independent steps run in parallel; inputs and the output are mapped; the run is stored", async () => {
    const slow = (out: unknown) => async () => {
      await Bun.sleep(30);
      return out;
    };
    const { service, calls, rows } = harness({
      extract: () => ({ rows: [1, 2] }),
      transform: slow({ rows: [2, 4] }),
      validate: slow({ ok: true }),
      load: (input) => ({ stored: input }),
    });
    await service.create(etl());
    const run = await service.invoke("etl", { src: "s3://x" });
    expect(run.status).toBe("success");
    expect(run.output).toEqual({ loaded: { stored: { rows: [2, 4] } }, valid: true });
    const [t, v] = [calls.find((c) => c.fn === "transform"), calls.find((c) => c.fn === "validate")];
    expect(t && v && t.start < (v.end ?? 0) && v.start < (t.end ?? 0)).toBe(true);
    expect(calls[0]?.input).toEqual({ src: "s3://x" });
    const stored = await rows.runs.get(run.id);
    expect(stored?.steps.map((s) => [s.id, s.status, s.attempts, s.executionId !== null])).toEqual([
      ["extract", "success", 1, true],
      ["transform", "success", 1, true],
      ["validate", "success", 1, true],
      ["load", "success", 1, true],
    ]);
  });

  test("a false `when` skips the step; its dependents still run (Argo semantics)", async () => {
    const { service, calls } = harness({ a: () => 1, b: () => 2, c: () => 3 });
    await service.create({
      name: "w",
      steps: [
        { id: "a", function: "a" },
        { id: "b", function: "b", dependsOn: ["a"], when: "$.steps.a.output > 5" },
        { id: "c", function: "c", dependsOn: ["b"], input: { b: "$.steps.b.status" } },
      ],
    });
    const run = await service.invoke("w", null);
    expect(run.steps.map((s) => s.status)).toEqual(["success", "skipped", "success"]);
    expect(calls.map((c) => c.fn)).toEqual(["a", "c"]);
    expect(calls[1]?.input).toEqual({ b: "skipped" });
  });

  test("retry: a step failing twice succeeds on its third attempt", async () => {
    let tries = 0;
    const flaky = () => {
      if (++tries < 3) throw new NanofaasError("QUEUE_FULL", "busy");
      return "ok";
    };
    const { service } = harness({ f: flaky });
    await service.create({ name: "r", steps: [{ id: "s", function: "f", retry: { maxAttempts: 3, backoffMs: 1 } }] });
    const run = await service.invoke("r", null);
    expect(run.status).toBe("success");
    expect(run.steps[0]?.attempts).toBe(3);
  });

  test("failFast: the first failure ends the run; steps running and pending are cancelled", async () => {
    const { service } = harness({
      extract: () => ({}),
      transform: hang,
      validate: () => Promise.reject("bad"),
      load: () => 1,
    });
    await service.create(etl());
    const run = await service.invoke("etl", null);
    expect(run.status).toBe("error");
    expect(run.error?.code).toBe("STEP_FAILED");
    expect(run.error?.message).toContain("Step 'validate' failed: FUNCTION_ERROR");
    expect(run.steps.map((s) => s.status)).toEqual(["success", "cancelled", "error", "cancelled"]);
  });

  test("continue: independent branches finish, dependents of the failed step are skipped, the run is error", async () => {
    const { service } = harness({
      extract: () => ({}),
      transform: () => 1,
      validate: () => Promise.reject("bad"),
      load: () => 1,
    });
    await service.create({
      ...etl({ onFailure: "continue" }),
      steps: [...etl().steps, { id: "audit", function: "transform", dependsOn: ["transform"] }],
      output: undefined,
    });
    const run = await service.invoke("etl", null);
    expect(run.status).toBe("error");
    expect(run.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      "extract:success",
      "transform:success",
      "validate:error",
      "load:skipped",
      "audit:success",
    ]);
  });

  test("cancel ends a running run; cancelling again is 409; a timeout ends a run as timeout", async () => {
    const { service } = harness({ f: hang });
    await service.create({ name: "h", steps: [{ id: "s", function: "f" }] });
    const started = await service.run("h", null);
    const cancelled = await service.cancelRun(started.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.steps[0]?.status).toBe("cancelled");
    expect(service.cancelRun(started.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await service.create({ name: "t", timeoutMs: 30, steps: [{ id: "s", function: "f" }] });
    const timedOut = await service.invoke("t", null);
    expect(timedOut.status).toBe("timeout");
    expect((await service.getRun(timedOut.id)).status).toBe("timeout");
  });

  test("resume: a stored run continues after its completed steps, which are not run again", async () => {
    const rows = createMemoryWorkflowRows();
    const first = harness({ extract: () => ({ n: 1 }), transform: hang, validate: () => "v", load: () => "l" }, rows);
    await first.service.create(etl());
    const run = await first.service.run("etl", null);
    while ((await rows.runs.get(run.id))?.steps[2]?.status !== "success") await Bun.sleep(2);
    // A new process on the same store: transform was in flight (runs again), the rest completed.
    const second = harness(
      { extract: () => ({ n: 2 }), transform: () => ({ t: 1 }), validate: () => "v2", load: (i) => i },
      rows,
    );
    expect(await second.service.resume()).toBe(1);
    while ((await rows.runs.get(run.id))?.status === "running") await Bun.sleep(2);
    expect(second.calls.map((c) => c.fn)).toEqual(["transform", "load"]);
    const ended = await second.service.getRun(run.id);
    expect(ended.status).toBe("success");
    expect(ended.output).toEqual({ loaded: { t: 1 }, valid: null });
    expect(second.calls[0]?.input).toEqual({ n: 1 });
  });
});
