package io.vigil.processors;

/** The request is not valid: a parameter, a body or a cursor (400). */
public class BadRequestException extends ApiException {

    public BadRequestException(String message, Object detail) {
        super(400, message, detail);
    }
}
