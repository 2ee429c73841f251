package dev.nanofaas.runtime;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * JSON lines on stdout — timestamp, level, message, base fields, then the call's key/value pairs —
 * with the field names of the other runtimes (executionId, traceId).
 */
public final class Logger {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private final PrintStream out;
    private final List<Object> base;

    Logger(PrintStream out, Object... base) {
        this.out = out;
        this.base = Arrays.asList(base);
    }

    /** A logger that adds the key/value pairs to every line. */
    public Logger with(Object... pairs) {
        List<Object> all = new ArrayList<>(base);
        all.addAll(Arrays.asList(pairs));
        return new Logger(out, all.toArray());
    }

    public void debug(String message, Object... pairs) { log("debug", message, pairs); }
    public void info(String message, Object... pairs) { log("info", message, pairs); }
    public void warn(String message, Object... pairs) { log("warn", message, pairs); }
    public void error(String message, Object... pairs) { log("error", message, pairs); }

    private void log(String level, String message, Object[] pairs) {
        StringBuilder line = new StringBuilder("{\"timestamp\":\"").append(TIME.format(Instant.now())).append('"');
        line.append(",\"level\":").append(Json.write(level)).append(",\"message\":").append(Json.write(message));
        List<Object> all = new ArrayList<>(base);
        all.addAll(Arrays.asList(pairs));
        for (int i = 0; i + 1 < all.size(); i += 2) {
            line.append(',').append(Json.write(String.valueOf(all.get(i)))).append(':').append(field(all.get(i + 1)));
        }
        line.append('}');
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    // A value that cannot be JSON is logged as its text: a log call never fails a handler.
    private static String field(Object value) {
        try {
            return Json.write(value);
        } catch (IllegalArgumentException e) {
            return Json.write(String.valueOf(value));
        }
    }
}
