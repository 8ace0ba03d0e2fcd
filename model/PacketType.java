package io.vigil.model;

/** What a device packet carries (PROTOCOL §1 {@code type}). */
public enum PacketType {
    TELEMETRY, HEARTBEAT;

    /** The wire spelling. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses the wire spelling; the schema has already limited it to the two values. */
    public static PacketType fromWire(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
