import { expect, test } from "bun:test";
import type { ExecutionRecord } from "../../execution/execution-record";
import type { ExecutionView } from "../../execution/invoker";
import { TerminalWaiter } from "./terminal-waiter";

const view = (status: ExecutionView["status"], code?: string) =>
  ({ executionId: "e1", status, error: code ? { code, message: code } : null }) as ExecutionView;

test("two waiters of one execution (a redelivered message beside the first) both learn its end", async () => {
  const waiter = new TerminalWaiter();
  waiter.attach({ findExecution: async () => view("running") });
  const first = waiter.wait("e1");
  const second = waiter.wait("e1");
  await Bun.sleep(0);
  waiter.observer.onFinished?.({ id: "e1", view: () => view("error", "FUNCTION_ERROR") } as unknown as ExecutionRecord);
  expect(await first).toEqual({ status: "error", errorCode: "FUNCTION_ERROR" });
  expect(await second).toEqual({ status: "error", errorCode: "FUNCTION_ERROR" });
  expect(waiter.size).toBe(0);
});

test("an execution that already ended (found by lookup) resolves at once; an unknown one is EXECUTION_UNKNOWN", async () => {
  const waiter = new TerminalWaiter();
  waiter.attach({ findExecution: async (id) => (id === "done" ? view("success") : undefined) });
  expect(await waiter.wait("done")).toEqual({ status: "success" });
  expect(await waiter.wait("gone")).toEqual({ status: "error", errorCode: "EXECUTION_UNKNOWN" });
  expect(waiter.size).toBe(0);
});
