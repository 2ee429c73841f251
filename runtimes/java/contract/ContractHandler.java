import dev.nanofaas.runtime.FunctionException;
import dev.nanofaas.runtime.FunctionHandler;
import dev.nanofaas.runtime.InvocationRequest;
import dev.nanofaas.runtime.NanofaasRuntime;
import java.util.LinkedHashMap;
import java.util.Map;

/** The contract handler (runtimes/contract/README.md) for the Java runtime; behaviour chosen by input.op. */
public final class ContractHandler implements FunctionHandler {
    private static String text(Map<?, ?> input, String name, String fallback) {
        return input.get(name) instanceof String s && !s.isEmpty() ? s : fallback;
    }

    @Override
    public Object handle(InvocationRequest request) throws Exception {
        Map<?, ?> input = request.input() instanceof Map<?, ?> map ? map : Map.of();
        Object op = input.get("op");
        switch (op instanceof String s ? s : "") {
            case "echo": return input.get("value");
            case "context": {
                Map<String, Object> seen = new LinkedHashMap<>();
                seen.put("executionId", request.context().executionId());
                seen.put("traceId", request.context().traceId());
                seen.put("metadata", request.metadata());
                return seen;
            }
            case "fail": throw new FunctionException(text(input, "code", "CONTRACT_FAILURE"), text(input, "message", "failed on purpose"));
            case "throw": throw new IllegalStateException(text(input, "message", "thrown on purpose"));
            case "sleep": {
                Thread.sleep(input.get("ms") instanceof Double ms ? ms.longValue() : 0);
                return input.get("value") != null ? input.get("value") : "slept";
            }
            case "log":
                request.context().logger().info(text(input, "message", "contract log"), "marker", input.get("marker"));
                return null;
            default: throw new FunctionException("UNKNOWN_OP", "unknown op " + op);
        }
    }

    public static void main(String[] args) {
        NanofaasRuntime.start(new ContractHandler());
    }
}
