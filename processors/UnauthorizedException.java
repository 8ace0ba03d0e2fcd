package io.vigil.processors;

/** No bearer token, or one nobody was given (401). */
public class UnauthorizedException extends ApiException {

    public UnauthorizedException(String message, Object detail) {
        super(401, message, detail);
    }
}
