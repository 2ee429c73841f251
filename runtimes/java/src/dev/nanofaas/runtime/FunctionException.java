package dev.nanofaas.runtime;

/** A typed handler failure: the pod answers {@code status()} with {"error":{"code","message"}}. */
public class FunctionException extends Exception {
    private final String code;

    public FunctionException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public int status() {
        return 500;
    }
}
