/**
 * @module
 * The parts of the contract suite that need their own pods or a fake control plane: callbacks,
 * structured logs, cold start, the deadline, the execution-id fallback and graceful shutdown.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Header } from "../../src/contracts/headers.ts";
import { PodErrorCode } from "../../src/contracts/pod.ts";
import { call, invoke, newExecutionId } from "./client.ts";
import { contractCases } from "./cases.ts";
import { FLAKY_RECEIVER, type FakeControlPlane, startFakeControlPlane } from "./fake-control-plane.ts";
import { POD_HOOK_TIMEOUT_MS } from "./process-pod.ts";
import type { ContractPod, SuiteContext } from "./suite.ts";

/**
 * Resolves once the pod's metrics show an invocation in flight (`runtime_in_flight 1`,
 * `watchdog_invocations_in_flight{...} 1`), so a signal lands while the handler runs rather than
 * while the request may still sit in the accept queue.
 */
async function waitUntilInFlight(baseUrl: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/_in_flight(\{[^}]*\})? [1-9]/m.test((await call(baseUrl, "/metrics")).text)) {
    if (Date.now() > deadline) throw new Error("the pod never reported an invocation in flight");
    await Bun.sleep(10);
  }
}

export function registerCallbackTests(ctx: SuiteContext): void {
  if (ctx.options.callbacks === false) return;
  describe("callbacks", () => {
    let receiver: FakeControlPlane;
    beforeAll(() => {
      receiver = startFakeControlPlane(FLAKY_RECEIVER);
    });
    afterAll(() => receiver.stop());
    for (const contractCase of contractCases(ctx.options).filter((c) => c.group === "callbacks")) {
      test(contractCase.name, () =>
        contractCase.run({
          baseUrl: ctx.pod().baseUrl,
          options: ctx.options,
          receiver,
          startReceiver: startFakeControlPlane,
        }),
      );
    }
  });
}

export function registerLifecycleTests(ctx: SuiteContext): void {
  if (ctx.options.contextLogger !== false) {
    test("handler log lines are JSON on stdout, stamped with the execution and trace ids", async () => {
      const pod = ctx.pod();
      if (!pod.output) throw new Error("this pod does not expose its output; set contextLogger: false");
      const id = newExecutionId("log");
      await invoke(
        pod.baseUrl,
        { op: "log", message: "hello from handler", marker: id },
        { executionId: id, headers: { [Header.traceId]: "trace-log" } },
      );
      await Bun.sleep(50); // the line may still be in the pipe
      const line = pod
        .output()
        .split("\n")
        .find((l) => l.includes(`"marker"`) && l.includes(id));
      expect(JSON.parse(line ?? "null")).toMatchObject({
        level: "info",
        message: "hello from handler",
        executionId: id,
        traceId: "trace-log",
        marker: id,
      });
    });
  }

  describe("process lifecycle", () => {
    let cold: ContractPod | undefined;
    let short: ContractPod | undefined;
    let spawnedAt = 0;
    beforeAll(async () => {
      spawnedAt = performance.now();
      [cold, short] = await Promise.all([
        ctx.startPod({ EXECUTION_ID: "exec-from-env" }).then(ctx.track),
        // 1 s, not less: a STDIO child's process start counts against it on a busy machine.
        ctx.startPod({ TIMEOUT_MS: "1000" }).then(ctx.track),
      ]);
    }, POD_HOOK_TIMEOUT_MS);

    if (ctx.options.coldStart !== false) {
      test("only the first successful response carries the cold-start headers", async () => {
        const base = cold!.baseUrl;
        const failed = await invoke(base, { op: "throw", message: "first call fails" });
        expect(failed.status).toBe(500);
        expect(failed.headers.get(Header.coldStart)).toBeNull();
        const replies = await Promise.all(
          Array.from({ length: 8 }, (_, n) => invoke(base, { op: "sleep", ms: 50, value: n })),
        );
        expect(replies.every((r) => r.status === 200)).toBe(true);
        const marked = replies.filter((r) => r.headers.get(Header.coldStart) !== null);
        expect(marked).toHaveLength(1);
        expect(marked[0]!.headers.get(Header.coldStart)).toBe("true");
        const initMs = marked[0]!.headers.get(Header.initDurationMs) ?? "";
        expect(initMs).toMatch(/^\d+$/);
        // Initialisation ended before the pod answered its first request.
        expect(Number(initMs)).toBeLessThanOrEqual(performance.now() - spawnedAt);
        const later = await invoke(base, { op: "echo", value: 1 });
        expect(later.headers.get(Header.coldStart)).toBeNull();
        expect(later.headers.get(Header.initDurationMs)).toBeNull();
      });
    }

    test("a handler that outlives TIMEOUT_MS gets 504 HANDLER_TIMEOUT, and the pod keeps serving", async () => {
      const reply = await invoke(short!.baseUrl, { op: "sleep", ms: 4000 });
      expect(reply.status).toBe(504);
      expect(reply.json).toEqual({ error: { code: PodErrorCode.handlerTimeout, message: expect.any(String) } });
      expect(reply.ms).toBeLessThan(3000); // answered at the deadline, not when the handler ended
      expect((await invoke(short!.baseUrl, { op: "echo", value: "alive" })).json).toBe("alive");
    });

    test("EXECUTION_ID from the environment stands in for a missing header", async () => {
      const reply = await invoke(cold!.baseUrl, { op: "context" }, { executionId: null });
      expect(reply.status).toBe(200);
      expect((reply.json as { executionId: string }).executionId).toBe("exec-from-env");
    });

    // A process manager may stop a pod the moment it is up; the default action would exit 143.
    test("a SIGTERM as soon as the pod is listening is a clean exit 0", async () => {
      const pod = ctx.track(await ctx.startPod());
      if (!pod.signal || !pod.exited) throw new Error("this pod cannot be signalled");
      pod.signal("SIGTERM");
      expect(await pod.exited).toBe(0);
    });

    test("SIGTERM lets in-flight invocations finish, then the pod refuses work and exits 0", async () => {
      const pod = ctx.track(await ctx.startPod());
      if (!pod.signal || !pod.exited) throw new Error("this pod cannot be signalled");
      const inFlight = invoke(pod.baseUrl, { op: "sleep", ms: 600, value: "finished" });
      await waitUntilInFlight(pod.baseUrl);
      pod.signal("SIGTERM");
      const reply = await inFlight;
      expect(reply.status).toBe(200);
      expect(reply.json).toBe("finished");
      expect(await pod.exited).toBe(0);
      await expect(invoke(pod.baseUrl, { op: "echo", value: 1 })).rejects.toThrow();
    });
  });
}
