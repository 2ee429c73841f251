package dev.nanofaas.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The pod contract for one handler, as a handler of the JDK's HTTP server. */
final class Pod implements HttpHandler {
    /** The handler's answer: output JSON text, or an error status/code/message. */
    record Outcome(String output, int status, String code, String message) {
        static Outcome failure(int status, String code, String message) {
            return new Outcome(null, status, code, message);
        }
    }

    final Settings settings;
    final Logger log;
    final Metrics metrics = new Metrics();
    final Callbacks callbacks;
    final AtomicBoolean draining = new AtomicBoolean();
    final AtomicInteger exchanges = new AtomicInteger(); // requests being served, for the drain
    private final FunctionHandler handler;
    private final long initDurationMs;
    private final AtomicBoolean invoked = new AtomicBoolean();
    private final AtomicBoolean coldReported = new AtomicBoolean();
    private final ExecutorService workers = Executors.newCachedThreadPool(work -> {
        Thread thread = new Thread(work, "handler");
        thread.setDaemon(true);
        return thread;
    });

    Pod(FunctionHandler handler, Settings settings, long initDurationMs, PrintStream out) {
        this.handler = handler;
        this.settings = settings;
        this.initDurationMs = initDurationMs;
        this.log = settings.functionName() == null ? new Logger(out) : new Logger(out, "function", settings.functionName());
        this.callbacks = new Callbacks((target, problem) -> {
            metrics.callbackFailed();
            log.warn("callback delivery failed", "executionId", target.executionId(), "traceId", target.traceId(), "problem", problem);
        });
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        exchanges.incrementAndGet();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/invoke") && method.equals("POST")) invoke(exchange);
            else if (path.equals("/health") && method.equals("GET")) {
                // Draining pods report 503 so load balancers stop sending work before the port closes.
                boolean down = draining.get();
                send(exchange, down ? 503 : 200, "application/json", down ? "{\"status\":\"draining\"}" : "{\"status\":\"ok\"}");
            } else if (path.equals("/metrics") && method.equals("GET")) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
            } else sendError(exchange, 404, "NOT_FOUND", "Endpoint not found");
        } finally {
            exchanges.decrementAndGet();
        }
    }

    private void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (draining.get()) exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void sendError(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, "application/json", "{\"error\":{\"code\":" + Json.write(code) + ",\"message\":" + Json.write(message) + "}}");
    }

    private void invoke(HttpExchange exchange) throws IOException {
        Requests.Ids ids = Requests.ids(exchange.getRequestHeaders(), settings);
        if (ids.executionId() == null) {
            sendError(exchange, 400, "EXECUTION_ID_REQUIRED", "Execution ID required");
            return;
        }
        Callbacks.Target target = ids.callbackBase() == null ? null
            : new Callbacks.Target(ids.callbackBase(), ids.executionId(), ids.traceId(), ids.attempt(), ids.callbackToken());
        Requests.Body body;
        try {
            body = Requests.body(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        } catch (Requests.Rejected rejected) {
            if (target != null) callbacks.send(target, Callbacks.body(null, rejected.code, rejected.getMessage()));
            sendError(exchange, 400, rejected.code, rejected.getMessage());
            return;
        }
        Logger logger = log.with("executionId", ids.executionId(), "traceId", ids.traceId());
        long deadline = System.nanoTime() + settings.timeoutMs() * 1_000_000L;
        FunctionContext context = new FunctionContext(ids.executionId(), ids.traceId(), !invoked.getAndSet(true), logger, deadline);
        metrics.started();
        long started = System.nanoTime();
        Outcome outcome = run(new InvocationRequest(body.input(), body.metadata(), context));
        metrics.finished(outcome.output() != null, "HANDLER_TIMEOUT".equals(outcome.code()), (System.nanoTime() - started) / 1e9);
        if (target != null) callbacks.send(target, Callbacks.body(outcome.output(), outcome.code(), outcome.message()));
        if (outcome.output() == null) {
            logger.error("invocation failed", "error", java.util.Map.of("code", outcome.code(), "message", outcome.message()));
            sendError(exchange, outcome.status(), outcome.code(), outcome.message());
            return;
        }
        if (coldReported.compareAndSet(false, true)) {
            metrics.coldStart();
            exchange.getResponseHeaders().set("X-Cold-Start", "true");
            exchange.getResponseHeaders().set("X-Init-Duration-Ms", Long.toString(initDurationMs));
        }
        send(exchange, 200, "application/json", outcome.output());
    }

    // The handler runs on a worker thread so the pod can answer 504 at the deadline and interrupt it.
    private Outcome run(InvocationRequest request) {
        Future<Object> result = workers.submit(() -> handler.handle(request));
        Object value;
        try {
            value = result.get(settings.timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            return Outcome.failure(504, "HANDLER_TIMEOUT", "Handler execution timed out after " + settings.timeoutMs() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failure(500, "HANDLER_ERROR", "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof FunctionException typed) return Outcome.failure(typed.status(), typed.code(), String.valueOf(typed.getMessage()));
            return Outcome.failure(500, "HANDLER_ERROR", cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName());
        }
        try {
            return new Outcome(Json.write(value), 200, null, null);
        } catch (IllegalArgumentException e) {
            return Outcome.failure(500, "INVALID_OUTPUT", "Handler output is not JSON-serialisable: " + e.getMessage());
        }
    }
}
