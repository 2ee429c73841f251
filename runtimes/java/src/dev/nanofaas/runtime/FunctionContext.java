package dev.nanofaas.runtime;

/** What a handler knows about its invocation besides the input. {@code traceId} may be null. */
public record FunctionContext(String executionId, String traceId, boolean isColdStart, Logger logger, long deadlineNanos) {
    /** Milliseconds left until TIMEOUT_MS, 0 once it has passed. */
    public long remainingMs() {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }
}
