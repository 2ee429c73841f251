package dev.nanofaas.runtime;

import com.sun.net.httpserver.Headers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a POST /invoke into ids, input and metadata, or a 400 — the same rules as the other runtimes. */
final class Requests {
    private static final Pattern TRACEPARENT = Pattern.compile("^[\\da-f]{2}-([\\da-f]{32})-[\\da-f]{16}-[\\da-f]{2}");

    record Ids(String executionId, String traceId, String attempt, String callbackBase, String callbackToken) {
    }

    record Body(Object input, Map<String, String> metadata) {
    }

    /** A 400 with its code. */
    static final class Rejected extends Exception {
        final String code;

        Rejected(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    private Requests() {
    }

    static String header(Headers headers, String name) {
        return Settings.nonBlank(headers.getFirst(name));
    }

    static Ids ids(Headers headers, Settings settings) {
        String id = header(headers, "X-Execution-Id");
        String trace = header(headers, "X-Trace-Id");
        if (trace == null) {
            Matcher m = TRACEPARENT.matcher(header(headers, "traceparent") == null ? "" : header(headers, "traceparent"));
            trace = m.find() ? m.group(1) : settings.traceId();
        }
        String callback = header(headers, "X-Callback-Url");
        return new Ids(id != null ? id : settings.executionId(), trace, header(headers, "X-Dispatch-Attempt"),
            callback != null ? callback : settings.callbackUrl(), header(headers, "X-Callback-Token"));
    }

    static Body body(String text) throws Rejected {
        if (text.startsWith("\ufeff")) text = text.substring(1);
        if (text.strip().isEmpty()) return new Body(null, Map.of());
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Rejected("INVALID_JSON", "Request body must be valid JSON");
        }
        if (!(parsed instanceof Map<?, ?> body)) throw new Rejected("INVALID_REQUEST", "Request body must be a JSON object {\"input\", \"metadata\"}");
        Map<String, String> metadata = new LinkedHashMap<>();
        Object raw = body.get("metadata");
        if (raw != null) {
            if (!(raw instanceof Map<?, ?> map)) throw new Rejected("INVALID_REQUEST", "Invocation metadata must be a string map");
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getValue() instanceof String value)) throw new Rejected("INVALID_REQUEST", "Invocation metadata must be a string map");
                metadata.put((String) entry.getKey(), value);
            }
        }
        return new Body(body.get("input"), metadata);
    }
}
