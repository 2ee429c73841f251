import dev.nanofaas.runtime.Json;
import java.util.List;
import java.util.Map;

/**
 * Unit checks of the hand-written JSON reader/writer (no JUnit: nothing is downloaded). Exits 1
 * with the failures listed; run by runtimes/contract/java.contract.tools.ts.
 */
public final class JsonCheck {
    private static int failures = 0;

    private static void same(String what, Object got, Object want) {
        if (!String.valueOf(got).equals(String.valueOf(want))) {
            failures++;
            System.out.println("FAIL " + what + ": got " + got + ", want " + want);
        }
    }

    private static void rejects(String text) {
        try {
            Json.parse(text);
            failures++;
            System.out.println("FAIL accepted " + text);
        } catch (IllegalArgumentException expected) {
            // the point
        }
    }

    public static void main(String[] args) {
        // Numbers are written as JavaScript's JSON.stringify writes them.
        same("integral", Json.write(100000.0), "100000");
        same("fraction", Json.write(4.75), "4.75");
        same("large", Json.write(1e21), "1e+21");
        same("small", Json.write(1e-7), "1e-7");
        same("not tiny", Json.write(0.000001), "0.000001");
        same("plain beyond 1e7", Json.write(12345678.5), "12345678.5");
        same("negative zero", Json.write(-0.0), "0");
        same("infinity", Json.write(Json.parse("1e400")), "null");
        same("long", Json.write(9007199254740993L), "9007199254740993");
        // Key order kept, escapes, nesting.
        same("object order", Json.write(Json.parse("{\"b\":1,\"a\":[true,null,\"x\"]}")), "{\"b\":1,\"a\":[true,null,\"x\"]}");
        same("escapes", Json.write(Json.parse("\"\\u00e9\\n\\\"\\u0001<&>\"")), "\"é\\n\\\"\\u0001<&>\"");
        same("surrogates", Json.write(Json.parse("\"\\ud83d\\ude00\"")), "\"😀\"");
        same("map type", Json.parse("{}") instanceof Map, true);
        same("list type", Json.parse("[]") instanceof List, true);
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\":1,}", "NaN", "01", "1.", "'x'", "\"a\nb\"", "[1] 2", "{a:1}", "-", "1e"}) {
            rejects(bad);
        }
        rejects("[".repeat(600) + "]".repeat(600)); // depth cap, not a stack overflow
        try {
            Json.write(new Object());
            failures++;
            System.out.println("FAIL wrote an Object");
        } catch (IllegalArgumentException expected) {
            // INVALID_OUTPUT in the pod
        }
        System.out.println(failures == 0 ? "ok" : failures + " failure(s)");
        System.exit(failures == 0 ? 0 : 1);
    }
}
