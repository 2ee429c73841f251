package dev.nanofaas.runtime;

import java.net.URI;
import java.util.Map;

/** The pod's configuration, a pure function of its environment; a bad value fails the start. */
record Settings(int port, int timeoutMs, String executionId, String traceId, String callbackUrl, String functionName) {
    static Settings load(Map<String, String> env) {
        String callbackUrl = nonBlank(env.get("CALLBACK_URL"));
        if (callbackUrl != null) {
            URI uri;
            try {
                uri = URI.create(callbackUrl);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("CALLBACK_URL must be an absolute URL, got \"" + callbackUrl + "\"");
            }
        }
        // PORT=0 asks the OS for a free port; the pod logs the one it got.
        return new Settings(integer(env, "PORT", 8080, 0, 65_535), integer(env, "TIMEOUT_MS", 30_000, 1, 3_600_000),
            nonBlank(env.get("EXECUTION_ID")), nonBlank(env.get("TRACE_ID")), callbackUrl, nonBlank(env.get("FUNCTION_NAME")));
    }

    static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int integer(Map<String, String> env, String name, int fallback, int low, int high) {
        String raw = nonBlank(env.get(name));
        if (raw == null) return fallback;
        if (raw.matches("\\d{1,9}")) {
            int n = Integer.parseInt(raw);
            if (n >= low && n <= high) return n;
        }
        throw new IllegalArgumentException(name + " must be an integer between " + low + " and " + high + ", got \"" + raw + "\"");
    }
}
