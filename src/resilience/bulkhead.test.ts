import { describe, expect, test } from "bun:test";
import { Bulkhead } from "./bulkhead";

describe("bulkhead", () => {
  test("no caps: never refuses, still counts", () => {
    const b = new Bulkhead<string>({ maxTotalInFlight: 0, maxTotalJobs: 0 }, () => {});
    for (let i = 0; i < 1000; i++) b.acquire(true);
    expect(b.refusal(true)).toBeUndefined();
    expect(b.allows("f", true)).toBe(true);
    expect(b.totalInFlight).toBe(1000);
    expect(b.totalJobs).toBe(1000);
  });

  test("at the in-flight cap a call is refused and a queue held until a release wakes it", () => {
    const woken: string[] = [];
    const b = new Bulkhead<string>({ maxTotalInFlight: 2, maxTotalJobs: 0 }, (q) => woken.push(q));
    b.acquire(false);
    expect(b.refusal(false)).toBeUndefined();
    b.acquire(false);
    expect(b.refusal(false)).toContain("NANOFAAS_MAX_TOTAL_INFLIGHT=2");
    expect(b.allows("a", false)).toBe(false);
    expect(b.allows("b", false)).toBe(false);
    b.release(false);
    expect(woken).toEqual(["a", "b"]);
    expect(b.allows("a", false)).toBe(true);
    b.release(false);
    expect(woken).toEqual(["a", "b"]); // woken once per hold
  });

  test("the Jobs cap applies to REMOTE work only", () => {
    const b = new Bulkhead<string>({ maxTotalInFlight: 0, maxTotalJobs: 1 }, () => {});
    b.acquire(true);
    expect(b.refusal(true)).toContain("NANOFAAS_MAX_TOTAL_JOBS=1");
    expect(b.refusal(false)).toBeUndefined();
    expect(b.allows("pool", false)).toBe(true);
    expect(b.allows("job", true)).toBe(false);
  });
});
