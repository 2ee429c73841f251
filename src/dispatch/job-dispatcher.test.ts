import { describe, expect, test } from "bun:test";
import type { JobLauncher, JobRequest } from "../deploy/deployer";
import { NanofaasError } from "../domain/errors";
import { resolveFunction } from "../domain/resolved-function";
import { ExecutionRecord } from "../execution/execution-record";
import { createJobDispatcher, isJobLauncher } from "./job-dispatcher";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const CALLBACK = "http://control-plane.nanofaas.svc.cluster.local:8080/v1/internal/executions";

function setup(options: { timeoutMs?: number; launch?: (job: JobRequest) => Promise<void> } = {}) {
  const fn = resolveFunction(
    { name: "resize", image: "i", executionMode: "REMOTE", timeoutMs: options.timeoutMs ?? 20 },
    defaults,
  );
  const record = new ExecutionRecord(
    "exec-1",
    fn,
    { input: { w: 1 }, metadata: { k: "v" } },
    "sync",
    { traceId: "t-1" },
    undefined,
    0,
  );
  const launched: JobRequest[] = [];
  const launcher: JobLauncher = {
    launch: options.launch ?? (async (job) => void launched.push(job)),
  };
  const settled = new AbortController();
  const dispatcher = createJobDispatcher(launcher, { callbackUrl: CALLBACK, startupAllowanceMs: 30 });
  const dispatch = () => dispatcher.dispatch({ record, attempt: 2, endpoint: undefined, settled: settled.signal });
  return { launched, settled, dispatch };
}

describe("createJobDispatcher", () => {
  test("launches the attempt's Job and yields as soon as the callback settles it", async () => {
    const { launched, settled, dispatch } = setup({ timeoutMs: 60_000 });
    const result = dispatch();
    await Bun.sleep(1);
    expect(launched).toHaveLength(1);
    expect(launched[0]).toMatchObject({
      executionId: "exec-1",
      attempt: 2,
      traceId: "t-1",
      callbackUrl: CALLBACK,
      payload: '{"input":{"w":1},"metadata":{"k":"v"}}',
    });
    expect(launched[0]!.fn.name).toBe("resize");
    settled.abort();
    expect(await result).toEqual({ ok: true, output: null, coldStart: false, initDurationMs: null });
  });

  test("no callback by timeoutMs + start-up allowance → JOB_TIMEOUT naming the deadline", async () => {
    const { dispatch } = setup({ timeoutMs: 20 });
    const started = performance.now();
    const result = await dispatch();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(result).toMatchObject({ ok: false, error: { code: "JOB_TIMEOUT" } });
    expect(!result.ok && result.error.message).toBe(
      "Job for execution exec-1 (attempt 2) did not report a result within 50 ms (timeoutMs 20 + 30 ms start-up allowance)",
    );
  });

  test("a Job that cannot be created ends the attempt with REMOTE_ERROR at once", async () => {
    const { dispatch } = setup({
      timeoutMs: 60_000,
      launch: async () => {
        throw new NanofaasError("BACKEND_FORBIDDEN", "Kubernetes denied 'create' on jobs.batch in namespace 'fns'");
      },
    });
    const result = await dispatch();
    expect(result).toMatchObject({ ok: false, error: { code: "REMOTE_ERROR" } });
    expect(!result.ok && result.error.message).toContain("Kubernetes denied 'create' on jobs.batch");
  });

  test("an attempt settled before dispatch launches nothing", async () => {
    const { launched, settled, dispatch } = setup();
    settled.abort();
    expect((await dispatch()).ok).toBe(true);
    expect(launched).toHaveLength(0);
  });
});

test("isJobLauncher", () => {
  expect(isJobLauncher({ launch: async () => undefined })).toBe(true);
  expect(isJobLauncher({ id: "process" })).toBe(false);
  expect(isJobLauncher(undefined)).toBe(false);
});
