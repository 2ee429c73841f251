package dev.nanofaas.runtime;

import java.util.Map;

/**
 * One invocation: its input (JavaScript's JSON model, see {@link Json}), its metadata (never null)
 * and its context (execution and trace ids, cold start, logger, deadline).
 */
public record InvocationRequest(Object input, Map<String, String> metadata, FunctionContext context) {
}
