import { describe, expect, test } from "bun:test";
import type { ExecutionRecord } from "./execution-record";
import { RetainedBytes } from "./retained-bytes";

/** The parts of a record the budget reads and calls, with a body of exactly the given size. */
class BudgetedRecord {
  retainedBytes = 0;
  constructor(
    readonly body: string,
    public output: unknown,
  ) {}
  chargeRetained(size: number): void {
    this.retainedBytes += size;
  }
  releaseRetained(): number {
    const bytes = this.retainedBytes;
    this.retainedBytes = 0;
    return bytes;
  }
  replaceOutput(marker: unknown): void {
    this.output = marker;
  }
}
const record = (body: string, output: unknown = null) => new BudgetedRecord(body, output) as unknown as ExecutionRecord;

describe("RetainedBytes", () => {
  test("charges request bodies until the next one would not fit: 429 QUEUE_FULL, reason memory", () => {
    const budget = new RetainedBytes(100, 2);
    budget.admit(record("x".repeat(60)));
    const error = (() => {
      try {
        budget.admit(record("y".repeat(41)));
      } catch (e) {
        return e as { code: string; rejectReason: string; retryAfterSeconds: number; message: string };
      }
    })();
    expect(error).toMatchObject({ code: "QUEUE_FULL", rejectReason: "memory", retryAfterSeconds: 2 });
    expect(error?.message).toContain("NANOFAAS_MAX_RETAINED_BYTES (100 bytes)");
    expect(budget.used).toBe(60);
  });

  test("released records give their bytes back", () => {
    const budget = new RetainedBytes(100);
    const first = record("x".repeat(60));
    budget.admit(first);
    budget.release(first);
    expect(budget.used).toBe(0);
    budget.admit(record("y".repeat(100)));
    expect(budget.used).toBe(100);
  });

  test("an output that fits is charged; one that does not is replaced by a marker after the current turn", () => {
    const tasks: (() => void)[] = [];
    const budget = new RetainedBytes(100, 1, (task) => void tasks.push(task));
    const small = record("{}", { ok: 1 });
    budget.admit(small);
    budget.observer.onFinished!(small);
    expect(budget.used).toBe(2 + 8);
    const big = record("{}", "z".repeat(200));
    budget.admit(big);
    budget.observer.onFinished!(big);
    expect(big.output).toBe("z".repeat(200)); // a sync caller woken now still gets all of it
    for (const task of tasks) task();
    expect(big.output).toEqual({
      truncated: true,
      bytes: 202,
      reason: "NANOFAAS_MAX_RETAINED_BYTES reached; output not retained",
    });
    expect(budget.used).toBeLessThan(100 + 120);
    budget.release(big);
    budget.release(small);
    expect(budget.used).toBe(0);
  });
});
