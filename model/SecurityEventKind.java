package io.vigil.model;

import java.util.Locale;

/** The typed security events of PROTOCOL v1.1 §1, §1a and §6. */
public enum SecurityEventKind {
    REPLAY, BAD_SIGNATURE, UNKNOWN_DEVICE, SCHEMA, SANITY, RATE, IMPERSONATION;

    /** The wire spelling, e.g. {@code bad_signature}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire spelling, or throws {@link IllegalArgumentException} naming the allowed values. */
    public static SecurityEventKind fromWire(String value) {
        for (SecurityEventKind kind : values()) {
            if (kind.wire().equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown security event kind '" + value
                + "'; one of replay, bad_signature, unknown_device, schema, sanity, rate, impersonation");
    }
}
