import dev.nanofaas.runtime.FunctionHandler;
import dev.nanofaas.runtime.InvocationRequest;
import dev.nanofaas.runtime.Json;
import dev.nanofaas.runtime.NanofaasRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * json-transform in Java: group-by aggregation (count, sum, avg, min, max), the same outputs as the
 * TypeScript twin (../ts/handler.ts). Domain errors are 200 outputs {"error": "..."}.
 */
public final class JsonTransform implements FunctionHandler {
    private static final Set<String> NUMERIC = Set.of("sum", "avg", "min", "max");

    /** Strings as they are, a missing or null field as "null", other values as JSON text. */
    static String keyOf(Object value) {
        return value == null ? "null" : value instanceof String s ? s : Json.write(value);
    }

    static Object aggregate(String operation, List<Map<?, ?>> items, String valueField) {
        if (operation.equals("count")) return items.size();
        if (!NUMERIC.contains(operation)) return "unknown operation: " + operation;
        // Only numbers take part; a missing, null or non-numeric value is skipped.
        List<Double> values = new ArrayList<>();
        for (Map<?, ?> item : items) if (item.get(valueField) instanceof Double v) values.add(v);
        if (values.isEmpty()) return 0;
        double sum = 0, min = values.get(0), max = values.get(0);
        for (double v : values) {
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        switch (operation) {
            case "sum": return sum;
            case "avg": return sum / values.size();
            case "min": return min;
            default: return max;
        }
    }

    /** JavaScript's key order: array-index keys ascending first, then the rest as inserted. */
    static Map<String, Object> jsOrder(Map<String, Object> groups) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        groups.keySet().stream().filter(JsonTransform::isIndex).sorted((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)))
            .forEach(key -> ordered.put(key, groups.get(key)));
        groups.forEach(ordered::putIfAbsent);
        return ordered;
    }

    private static boolean isIndex(String key) {
        return key.matches("0|[1-9]\\d{0,9}") && Long.parseLong(key) < 4_294_967_295L;
    }

    static Object jsonTransform(Object input) {
        if (!(input instanceof Map<?, ?> fields)) return Map.of("error", "Input must be a JSON object");
        if (!(fields.get("data") instanceof List<?> data) || !(fields.get("groupBy") instanceof String groupBy)) {
            return Map.of("error", "Fields 'data' (array) and 'groupBy' (string) are required");
        }
        Object operationValue = fields.get("operation") == null ? "count" : fields.get("operation");
        if (!(operationValue instanceof String operation)) return Map.of("error", "Field 'operation' must be a string");
        Object valueField = fields.get("valueField");
        if (!operation.equals("count") && !(valueField instanceof String)) {
            return Map.of("error", "Field 'valueField' is required for operation: " + operation);
        }
        Map<String, List<Map<?, ?>>> byKey = new LinkedHashMap<>();
        for (Object item : data) {
            Map<?, ?> record = item instanceof Map<?, ?> map ? map : Map.of();
            byKey.computeIfAbsent(keyOf(record.get(groupBy)), key -> new ArrayList<>()).add(record);
        }
        Map<String, Object> groups = new LinkedHashMap<>();
        byKey.forEach((key, items) -> groups.put(key, aggregate(operation, items, (String) valueField)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("groupBy", groupBy);
        out.put("operation", operation);
        out.put("groups", jsOrder(groups));
        return out;
    }

    @Override
    public Object handle(InvocationRequest request) {
        return jsonTransform(request.input());
    }

    public static void main(String[] args) {
        NanofaasRuntime.start(new JsonTransform());
    }
}
