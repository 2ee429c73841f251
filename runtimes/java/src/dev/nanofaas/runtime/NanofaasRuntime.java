package dev.nanofaas.runtime;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import sun.misc.Signal;

/**
 * Serves a {@link FunctionHandler} on the JDK's HTTP server (no framework) until SIGTERM or SIGINT.
 * Call {@link #start} last in main, after the handler's own initialisation: the time since the JVM
 * started is reported as X-Init-Duration-Ms.
 */
public final class NanofaasRuntime {
    // Callback delivery needs at most 3 tries × 5 s plus backoff; beyond that shutdown stops waiting.
    private static final long CALLBACK_FLUSH_MS = 16_000;

    private NanofaasRuntime() {
    }

    public static void start(FunctionHandler handler) {
        Settings settings;
        try {
            settings = Settings.load(System.getenv());
        } catch (IllegalArgumentException e) {
            new Logger(System.out).error("invalid runtime settings", "error", e.getMessage());
            System.exit(1);
            return;
        }
        long initMs = Math.max(0, System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
        Pod pod = new Pod(handler, settings, initMs, System.out);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("0.0.0.0", settings.port()), 128);
        } catch (IOException e) {
            pod.log.error("cannot listen", "error", String.valueOf(e));
            System.exit(1);
            return;
        }
        server.createContext("/", pod);
        server.setExecutor(Executors.newCachedThreadPool());
        // Installed before the port opens: whoever starts us may signal the moment we announce it.
        // The JVM's default would run shutdown hooks and exit 143; the contract wants a drain and 0.
        Signal.handle(new Signal("TERM"), signal -> shutdown(pod, server, "SIGTERM"));
        Signal.handle(new Signal("INT"), signal -> shutdown(pod, server, "SIGINT"));
        server.start();
        pod.log.info("listening", "port", server.getAddress().getPort(), "timeoutMs", settings.timeoutMs(), "initDurationMs", initMs);
    }

    private static synchronized void shutdown(Pod pod, HttpServer server, String signal) {
        if (pod.draining.getAndSet(true)) return;
        pod.log.info("shutting down", "signal", signal);
        long deadline = System.currentTimeMillis() + pod.settings.timeoutMs() + 1000L;
        // In-flight requests finish and are answered (with Connection: close) before the port closes.
        while (pod.exchanges.get() > 0 && System.currentTimeMillis() < deadline) sleep(10);
        boolean drained = pod.exchanges.get() == 0;
        server.stop(0);
        try {
            pod.callbacks.flush(CALLBACK_FLUSH_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!drained) {
            pod.log.error("shutdown grace exceeded; exiting");
            Runtime.getRuntime().halt(1);
        }
        pod.log.info("stopped");
        Runtime.getRuntime().halt(0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
