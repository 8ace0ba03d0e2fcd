package io.vigil.sim;

import java.util.Locale;

/** The attacks and faults the simulator can inject, with the detection each one should produce. */
public enum Attack {
    REPLAY("replay"),
    FORGED_SIGNATURE("bad_signature"),
    TAMPERED_PAYLOAD("bad_signature"),
    FLOOD("rate"),
    SENSOR_SPIKE("ml"),
    CPU_HIJACK("ml"),
    BATTERY_DRAIN("ml"),
    CLOCK_SKEW("sanity"),
    UNKNOWN_DEVICE("unknown_device"),
    MALFORMED_JSON("schema"),
    SILENT_DEVICE("ml");

    private final String expected;

    Attack(String expected) {
        this.expected = expected;
    }

    /** The security-event kind it should raise, or "ml" where only the ML stage can see it. */
    public String expected() {
        return expected;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Attack fromWire(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
