package io.vigil.processors;

/** Something Vigil itself cannot do; the answer says so in general words (500). */
public class InternalErrorException extends ApiException {

    public InternalErrorException(String message, Object detail) {
        super(500, message, detail);
    }
}
