import dev.nanofaas.runtime.FunctionHandler;
import dev.nanofaas.runtime.InvocationRequest;
import dev.nanofaas.runtime.Json;
import dev.nanofaas.runtime.NanofaasRuntime;
import java.util.Map;

/**
 * roman-numeral in Java: {"number": 1..3999} → {"roman": "..."}; fractions are truncated. Domain
 * errors are 200 outputs {"error": "..."}, exactly as the TypeScript twin (../ts/handler.ts).
 */
public final class RomanNumeral implements FunctionHandler {
    private static final int[] VALUES = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    private static final String[] SYMBOLS = {"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"};

    static String toRoman(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < VALUES.length; i++) {
            for (; n >= VALUES[i]; n -= VALUES[i]) out.append(SYMBOLS[i]);
        }
        return out.toString();
    }

    static Map<String, String> romanNumeral(Object input) {
        if (!(input instanceof Map<?, ?> fields)) return Map.of("error", "Input must be a JSON object");
        if (!fields.containsKey("number")) return Map.of("error", "missing required field: number");
        if (!(fields.get("number") instanceof Double value) || value.isInfinite() || value.isNaN()) {
            return Map.of("error", "field 'number' must be an integer");
        }
        double n = value < 0 ? Math.ceil(value) : Math.floor(value);
        if (n < 1 || n > 3999) return Map.of("error", "number must be between 1 and 3999, got: " + Json.write(n));
        return Map.of("roman", toRoman((int) n));
    }

    @Override
    public Object handle(InvocationRequest request) {
        return romanNumeral(request.input());
    }

    public static void main(String[] args) {
        NanofaasRuntime.start(new RomanNumeral());
    }
}
