package dev.nanofaas.runtime;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/** Completion callbacks, posted on background threads so a response never waits for one. */
final class Callbacks {
    /** Who an invocation is, for its callback. */
    record Target(String base, String executionId, String traceId, String attempt, String callbackToken) {
    }

    private static final int MAX_TRIES = 3;
    private static final long[] RETRY_DELAYS_MS = {100, 500};
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService senders = Executors.newCachedThreadPool(daemon -> {
        Thread thread = new Thread(daemon, "callback");
        thread.setDaemon(true);
        return thread;
    });
    private final BiConsumer<Target, String> onFailure;

    Callbacks(BiConsumer<Target, String> onFailure) {
        this.onFailure = onFailure;
    }

    static String urlFor(String base, String executionId) {
        if (base.endsWith(":complete")) return base;
        return base.replaceAll("/+$", "") + "/" + URLEncoder.encode(executionId, StandardCharsets.UTF_8).replace("+", "%20") + ":complete";
    }

    static String body(String output, String code, String message) {
        if (code == null) return "{\"success\":true,\"output\":" + output + ",\"error\":null}";
        return "{\"success\":false,\"output\":null,\"error\":{\"code\":" + Json.write(code) + ",\"message\":" + Json.write(message) + "}}";
    }

    void send(Target target, String body) {
        senders.execute(() -> {
            String problem = deliver(target, body);
            if (problem != null) onFailure.accept(target, problem);
        });
    }

    // Up to 3 tries on network errors, 5xx, 408 and 429; any other status ends delivery.
    private String deliver(Target target, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urlFor(target.base(), target.executionId())))
            .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (target.traceId() != null) request.header("X-Trace-Id", target.traceId());
        if (target.attempt() != null) request.header("X-Dispatch-Attempt", target.attempt());
        // With authentication on, the control plane accepts the callback only with this attempt's token.
        if (target.callbackToken() != null) request.header("X-Callback-Token", target.callbackToken());
        String problem = null;
        for (int attempt = 1; attempt <= MAX_TRIES; attempt++) {
            try {
                int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) return null;
                problem = "HTTP " + status;
                if (!(status >= 500 || status == 408 || status == 429)) break;
            } catch (Exception e) {
                problem = String.valueOf(e);
            }
            if (attempt < MAX_TRIES && !sleep(RETRY_DELAYS_MS[attempt - 1])) break;
        }
        return problem;
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits up to {@code limitMs} for every callback started so far. */
    void flush(long limitMs) throws InterruptedException {
        senders.shutdown();
        senders.awaitTermination(limitMs, TimeUnit.MILLISECONDS);
    }
}
