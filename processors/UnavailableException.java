package io.vigil.processors;

/** A part the answer needs, the ledger node, cannot be reached now (503). */
public class UnavailableException extends ApiException {

    public UnavailableException(String message, Object detail) {
        super(503, message, detail);
    }
}
