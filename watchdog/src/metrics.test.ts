import { expect, test } from "bun:test";
import { createMetrics, DURATION_BUCKETS_SECONDS } from "./metrics.ts";

test("buckets are the reference's: 5 ms doubling up to ~41 s", () => {
  expect(DURATION_BUCKETS_SECONDS).toHaveLength(14);
  expect(DURATION_BUCKETS_SECONDS[0]).toBe(0.005);
  expect(DURATION_BUCKETS_SECONDS[13]).toBeCloseTo(40.96);
});

test("renders counters, a cumulative histogram and escaped labels", () => {
  const m = createMetrics('we"ird\\name', "STDIO");
  m.started();
  m.finished(true, false, 0.004);
  m.started();
  m.finished(false, true, 0.03);
  m.started();
  m.rejected("saturated");
  m.childRestarted();
  const text = m.render();
  const fn = 'function="we\\"ird\\\\name"';
  expect(text).toContain(`watchdog_invocations_total{${fn},mode="STDIO",success="true"} 1`);
  expect(text).toContain(`watchdog_invocations_total{${fn},mode="STDIO",success="false"} 1`);
  expect(text).toContain(`watchdog_invocation_duration_seconds_bucket{${fn},mode="STDIO",le="0.005"} 1`);
  expect(text).toContain(`watchdog_invocation_duration_seconds_bucket{${fn},mode="STDIO",le="0.04"} 2`);
  expect(text).toContain(`watchdog_invocation_duration_seconds_bucket{${fn},mode="STDIO",le="+Inf"} 2`);
  expect(text).toContain(`watchdog_invocation_duration_seconds_count{${fn},mode="STDIO"} 2`);
  expect(text).toContain(`watchdog_invocations_in_flight{${fn}} 1`);
  expect(text).toContain(`watchdog_timeouts_total{${fn},mode="STDIO"} 1`);
  expect(text).toContain(`watchdog_rejected_total{${fn},reason="saturated"} 1`);
  expect(text).toContain(`watchdog_child_restarts_total{${fn}} 1`);
  expect(text.endsWith("\n")).toBe(true);
});
