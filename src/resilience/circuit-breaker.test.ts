import { describe, expect, test } from "bun:test";
import { CircuitBreaker, type CircuitState } from "./circuit-breaker";
import { resolveCircuitBreaker } from "./resilience-spec";

function breaker(spec: Parameters<typeof resolveCircuitBreaker>[0]) {
  let now = 1_000;
  const transitions: [CircuitState, CircuitState][] = [];
  let wakes = 0;
  const b = new CircuitBreaker(resolveCircuitBreaker(spec)!, {
    now: () => now,
    onTransition: (from, to) => transitions.push([from, to]),
    wake: () => wakes++,
  });
  const advance = (ms: number) => {
    now += ms;
  };
  const results = (...oks: boolean[]) => {
    for (const ok of oks) b.onResult(ok, now);
  };
  return { b, transitions, advance, results, now: () => now, wakes: () => wakes };
}

describe("circuit breaker", () => {
  test("opens after failureThreshold consecutive failures, not before; a success resets the count", () => {
    const { b, results, now, transitions } = breaker({ failureThreshold: 3, resetTimeoutMs: 5000 });
    results(false, false, true, false, false);
    expect(b.state).toBe("CLOSED");
    results(false);
    expect(b.state).toBe("OPEN");
    expect(transitions).toEqual([["CLOSED", "OPEN"]]);
    expect(b.allowsDispatch(now())).toBe(false);
    expect(b.refusesCalls(now())).toBe(true);
    expect(b.retryAfterSeconds(now())).toBe(5);
    b.close();
  });

  test("opens on the failure rate over the window once it holds failureThreshold calls", () => {
    const { b, results, advance } = breaker({ failureThreshold: 4, failureRateThreshold: 50, windowMs: 1000 });
    results(false, true, false, true); // 2 of 4 = 50%, never 4 in a row
    expect(b.state).toBe("OPEN");
    b.close();
    const other = breaker({ failureThreshold: 4, failureRateThreshold: 50, windowMs: 1000 });
    other.results(false, true, false);
    other.advance(1000); // a new window: the earlier calls no longer count
    other.results(true, false, true, true);
    expect(other.b.state).toBe("CLOSED");
    advance(0);
  });

  test("after resetTimeoutMs it is HALF_OPEN: halfOpenRequests probes, all succeeding close it", () => {
    const { b, results, advance, now, transitions } = breaker({
      failureThreshold: 1,
      resetTimeoutMs: 2000,
      halfOpenRequests: 2,
    });
    results(false);
    advance(1999);
    expect(b.allowsDispatch(now())).toBe(false);
    advance(1);
    expect(b.allowsDispatch(now())).toBe(true);
    expect(b.state).toBe("HALF_OPEN");
    b.onDispatch();
    b.onDispatch();
    expect(b.allowsDispatch(now())).toBe(false); // both probes out
    expect(b.refusesCalls(now())).toBe(true);
    results(true);
    expect(b.state).toBe("HALF_OPEN");
    results(true);
    expect(b.state).toBe("CLOSED");
    expect(transitions.map(([, to]) => to)).toEqual(["OPEN", "HALF_OPEN", "CLOSED"]);
  });

  test("a failed probe opens it again for another resetTimeoutMs", () => {
    const { b, results, advance, now } = breaker({ failureThreshold: 1, resetTimeoutMs: 1000 });
    results(false);
    advance(1000);
    expect(b.allowsDispatch(now())).toBe(true);
    b.onDispatch();
    results(false);
    expect(b.state).toBe("OPEN");
    advance(999);
    expect(b.allowsDispatch(now())).toBe(false);
    b.close();
  });

  test("results arriving while OPEN change nothing; reset closes it with clean counters", () => {
    const { b, results, now, transitions } = breaker({ failureThreshold: 2, resetTimeoutMs: 60_000 });
    results(false, false, true, true);
    expect(b.state).toBe("OPEN");
    b.reset();
    expect(b.view()).toEqual({ state: "CLOSED", since: new Date(now()).toISOString() });
    results(false);
    expect(b.state).toBe("CLOSED"); // the failures before the reset do not count
    expect(transitions.map(([, to]) => to)).toEqual(["OPEN", "CLOSED"]);
  });

  test("the timer wakes queued work once probing may start", async () => {
    const { b, results, wakes } = breaker({ failureThreshold: 1, resetTimeoutMs: 20 });
    results(false);
    const before = wakes();
    await Bun.sleep(60);
    expect(wakes()).toBeGreaterThan(before);
    b.close();
  });
});
