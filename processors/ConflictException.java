package io.vigil.processors;

/** It exists already, or it is already in that state (409). */
public class ConflictException extends ApiException {

    public ConflictException(String message, Object detail) {
        super(409, message, detail);
    }
}
