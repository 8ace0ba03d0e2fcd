package io.vigil.boot;

/** A start-up failure with a one-line message for the operator (which setting to change). */
public class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
