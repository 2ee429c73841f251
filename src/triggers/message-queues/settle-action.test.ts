import { expect, test } from "bun:test";
import { nakDelayMs, settleAction } from "./settle-action";

const ended = (status: "success" | "error" | "timeout", errorCode?: string) =>
  ({ kind: "ended", executionId: "e1", status, errorCode }) as const;

test("success is acked; a failure after the function's attempts is terminated (it is in the DLQ)", () => {
  expect(settleAction(ended("success"), 0).kind).toBe("ack");
  expect(settleAction(ended("error", "FUNCTION_ERROR"), 0)).toMatchObject({ kind: "term", counted: "failed" });
  expect(settleAction(ended("timeout", "TIMEOUT"), 0)).toMatchObject({ kind: "term", counted: "failed" });
});

test("ends that are not the function's failure, and refused admissions, are nak'ed with backoff", () => {
  for (const code of ["SHUTDOWN", "FUNCTION_REMOVED", "CONTROL_PLANE_RESTARTED", "EXECUTION_UNKNOWN"]) {
    expect(settleAction(ended("error", code), 2)).toEqual({ kind: "nak", delayMs: 4000, counted: "nacked" });
  }
  expect(settleAction({ kind: "not-admitted", error: new Error("429") }, 0)).toMatchObject({
    kind: "nak",
    delayMs: 1000,
  });
  expect(nakDelayMs(10)).toBe(30_000);
});

test("a body that is not JSON is terminated and counted invalid", () => {
  expect(settleAction({ kind: "invalid" }, 0)).toMatchObject({ kind: "term", counted: "invalid" });
});
