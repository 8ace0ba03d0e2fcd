package io.vigil.ledger;

/** The dev chain could not be started or stopped answering; the message says why and what to do. */
public class DevChainException extends RuntimeException {

    public DevChainException(String message) {
        super(message);
    }

    public DevChainException(String message, Throwable cause) {
        super(message, cause);
    }
}
