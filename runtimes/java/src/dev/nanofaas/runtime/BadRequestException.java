package dev.nanofaas.runtime;

/** The handler's way to say the input is unacceptable: 400 BAD_REQUEST. */
public class BadRequestException extends FunctionException {
    public BadRequestException(String message) {
        super("BAD_REQUEST", message);
    }

    @Override
    public int status() {
        return 400;
    }
}
