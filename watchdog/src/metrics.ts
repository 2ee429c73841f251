/**
 * @module
 * Warm-mode metrics in the Prometheus text format 0.0.4, written by hand so the binary stays free of
 * dependencies. Names and labels follow the reference watchdog (`watchdog_invocations_total`,
 * `watchdog_invocation_duration_seconds`, `watchdog_invocations_in_flight`, `watchdog_timeouts_total`);
 * rejections and child restarts are ours. Labels are bounded: the function name and the mode are
 * fixed per process, `success` and `reason` are small closed sets.
 */
import type { ExecutionMode } from "./config.ts";

/** 5 ms doubling 14 times, up to ~41 s: the reference's buckets, so dashboards keep working. */
export const DURATION_BUCKETS_SECONDS = Array.from({ length: 14 }, (_, i) => 0.005 * 2 ** i);

export type RejectReason = "saturated" | "draining" | "unavailable" | "bad_request";

export interface Metrics {
  started(): void;
  finished(success: boolean, timedOut: boolean, seconds: number): void;
  rejected(reason: RejectReason): void;
  childRestarted(): void;
  render(): string;
}

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function createMetrics(functionName: string, mode: ExecutionMode): Metrics {
  const fn = `function="${escapeLabel(functionName)}"`;
  const fnMode = `${fn},mode="${mode}"`;
  const counts = { success: 0, failure: 0, timeouts: 0, restarts: 0, inflight: 0 };
  const rejections: Record<RejectReason, number> = { saturated: 0, draining: 0, unavailable: 0, bad_request: 0 };
  const buckets = new Array<number>(DURATION_BUCKETS_SECONDS.length).fill(0);
  let sum = 0;
  let observations = 0;

  return {
    started() {
      counts.inflight += 1;
    },
    finished(success, timedOut, seconds) {
      counts.inflight -= 1;
      if (success) counts.success += 1;
      else counts.failure += 1;
      if (timedOut) counts.timeouts += 1;
      observations += 1;
      sum += seconds;
      // Stored non-cumulatively; render() accumulates.
      const index = DURATION_BUCKETS_SECONDS.findIndex((le) => seconds <= le);
      if (index >= 0) buckets[index]! += 1;
    },
    rejected(reason) {
      rejections[reason] += 1;
    },
    childRestarted() {
      counts.restarts += 1;
    },
    render() {
      const lines = [
        "# HELP watchdog_invocations_total Invocations handled, by outcome.",
        "# TYPE watchdog_invocations_total counter",
        `watchdog_invocations_total{${fnMode},success="true"} ${counts.success}`,
        `watchdog_invocations_total{${fnMode},success="false"} ${counts.failure}`,
        "# HELP watchdog_invocation_duration_seconds Time from admission to result.",
        "# TYPE watchdog_invocation_duration_seconds histogram",
      ];
      let cumulative = 0;
      DURATION_BUCKETS_SECONDS.forEach((le, i) => {
        cumulative += buckets[i]!;
        lines.push(`watchdog_invocation_duration_seconds_bucket{${fnMode},le="${formatLe(le)}"} ${cumulative}`);
      });
      lines.push(
        `watchdog_invocation_duration_seconds_bucket{${fnMode},le="+Inf"} ${observations}`,
        `watchdog_invocation_duration_seconds_sum{${fnMode}} ${sum}`,
        `watchdog_invocation_duration_seconds_count{${fnMode}} ${observations}`,
        "# HELP watchdog_invocations_in_flight Invocations running now.",
        "# TYPE watchdog_invocations_in_flight gauge",
        `watchdog_invocations_in_flight{${fn}} ${counts.inflight}`,
        "# HELP watchdog_timeouts_total Invocations that exceeded TIMEOUT_MS.",
        "# TYPE watchdog_timeouts_total counter",
        `watchdog_timeouts_total{${fnMode}} ${counts.timeouts}`,
        "# HELP watchdog_rejected_total Requests turned away before reaching the function.",
        "# TYPE watchdog_rejected_total counter",
        ...Object.entries(rejections).map(([r, n]) => `watchdog_rejected_total{${fn},reason="${r}"} ${n}`),
        "# HELP watchdog_child_restarts_total Restarts of the HTTP-mode child after a crash or hang.",
        "# TYPE watchdog_child_restarts_total counter",
        `watchdog_child_restarts_total{${fn}} ${counts.restarts}`,
      );
      return `${lines.join("\n")}\n`;
    },
  };
}

/** Exposition format: backslash, double quote and newline are escaped in label values. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** `0.005`, `0.01`, ... without floating-point noise such as 0.16000000000000003. */
function formatLe(le: number): string {
  return String(Number(le.toPrecision(6)));
}
