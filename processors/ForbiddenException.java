package io.vigil.processors;

/** The token's role may not do this, or the chain's trust is below the command threshold (403). */
public class ForbiddenException extends ApiException {

    public ForbiddenException(String message, Object detail) {
        super(403, message, detail);
    }
}
