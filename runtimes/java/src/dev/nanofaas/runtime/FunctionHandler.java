package dev.nanofaas.runtime;

/**
 * A function: computes the output of one invocation. The result is sent as the raw JSON value of a
 * 200 response (see {@link Json} for the types it can write). A {@link FunctionException} becomes
 * a 500 with its code (a {@link BadRequestException} a 400); any other exception a 500
 * HANDLER_ERROR. At TIMEOUT_MS the pod answers 504 and interrupts the handler's thread.
 */
@FunctionalInterface
public interface FunctionHandler {
    Object handle(InvocationRequest request) throws Exception;
}
