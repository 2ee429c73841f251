package dev.nanofaas.runtime;

/** The other runtimes' series, in Prometheus text format. */
final class Metrics {
    private long successes, failures, inFlight, timeouts, coldStarts, callbackFailures;
    private double durationSum;

    synchronized void started() { inFlight++; }

    synchronized void finished(boolean success, boolean timedOut, double seconds) {
        inFlight--;
        if (success) successes++; else failures++;
        if (timedOut) timeouts++;
        durationSum += seconds;
    }

    synchronized void coldStart() { coldStarts++; }

    synchronized void callbackFailed() { callbackFailures++; }

    synchronized String render() {
        StringBuilder b = new StringBuilder();
        series(b, "runtime_invocations_total", "counter", "Invocations handled, by outcome.",
            "runtime_invocations_total{success=\"true\"} " + successes, "runtime_invocations_total{success=\"false\"} " + failures);
        series(b, "runtime_invocation_duration_seconds", "summary", "Handler duration.",
            "runtime_invocation_duration_seconds_sum " + durationSum, "runtime_invocation_duration_seconds_count " + (successes + failures));
        series(b, "runtime_in_flight", "gauge", "Invocations running now.", "runtime_in_flight " + inFlight);
        series(b, "runtime_timeouts_total", "counter", "Invocations that hit TIMEOUT_MS.", "runtime_timeouts_total " + timeouts);
        series(b, "runtime_cold_start_total", "counter", "Cold starts reported (0 or 1 per process).", "runtime_cold_start_total " + coldStarts);
        series(b, "runtime_callback_failures_total", "counter", "Callbacks given up after every try.",
            "runtime_callback_failures_total " + callbackFailures);
        return b.toString();
    }

    private static void series(StringBuilder b, String name, String type, String help, String... lines) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (String line : lines) b.append(line).append('\n');
    }
}
