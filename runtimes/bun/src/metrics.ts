/**
 * @module
 * A handful of runtime metrics in Prometheus text format, without a client library: the runtime
 * must stay small and start fast. Names match the Python runtime so dashboards serve both.
 */

export interface RuntimeMetrics {
  invocationStarted(): void;
  invocationFinished(success: boolean, seconds: number): void;
  timeout(): void;
  coldStart(): void;
  callbackFailed(): void;
  render(): string;
}

export function createMetrics(): RuntimeMetrics {
  let successes = 0;
  let failures = 0;
  let inFlight = 0;
  let timeouts = 0;
  let coldStarts = 0;
  let callbackFailures = 0;
  let durationSum = 0;
  return {
    invocationStarted: () => {
      inFlight++;
    },
    invocationFinished: (success, seconds) => {
      inFlight--;
      if (success) successes++;
      else failures++;
      durationSum += seconds;
    },
    timeout: () => {
      timeouts++;
    },
    coldStart: () => {
      coldStarts++;
    },
    callbackFailed: () => {
      callbackFailures++;
    },
    render: () =>
      [
        "# HELP runtime_invocations_total Invocations handled, by outcome.",
        "# TYPE runtime_invocations_total counter",
        `runtime_invocations_total{success="true"} ${successes}`,
        `runtime_invocations_total{success="false"} ${failures}`,
        "# HELP runtime_invocation_duration_seconds Handler duration.",
        "# TYPE runtime_invocation_duration_seconds summary",
        `runtime_invocation_duration_seconds_sum ${durationSum}`,
        `runtime_invocation_duration_seconds_count ${successes + failures}`,
        "# HELP runtime_in_flight Invocations running now.",
        "# TYPE runtime_in_flight gauge",
        `runtime_in_flight ${inFlight}`,
        "# HELP runtime_timeouts_total Invocations that hit TIMEOUT_MS.",
        "# TYPE runtime_timeouts_total counter",
        `runtime_timeouts_total ${timeouts}`,
        "# HELP runtime_cold_start_total Cold starts reported (0 or 1 per process).",
        "# TYPE runtime_cold_start_total counter",
        `runtime_cold_start_total ${coldStarts}`,
        "# HELP runtime_callback_failures_total Callbacks given up after every try.",
        "# TYPE runtime_callback_failures_total counter",
        `runtime_callback_failures_total ${callbackFailures}`,
        "",
      ].join("\n"),
  };
}
