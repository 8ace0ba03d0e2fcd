package io.vigil.model;

import java.util.Map;
import java.util.Objects;

/**
 * A device packet that passed the schema (PROTOCOL §1), with its two RFC 8785 canonical forms:
 * {@code signingInput} leaves out {@code sig} (what the device signed), {@code canonical} keeps it
 * (the Merkle leaf input and the stored form).
 */
public record Packet(
        String deviceId,
        PacketType type,
        long sequenceNo,
        long timestamp,
        double cpuUsage,
        double batteryLevel,
        Map<String, Double> sensors,
        String sig,
        byte[] signingInput,
        byte[] canonical) {

    public Packet {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sig, "sig");
        Objects.requireNonNull(signingInput, "signingInput");
        Objects.requireNonNull(canonical, "canonical");
        if (sequenceNo < 0) {
            throw new IllegalArgumentException("sequence_no must not be negative");
        }
        sensors = Map.copyOf(sensors);
    }

    /** The canonical form as a string (UTF-8). */
    public String canonicalJson() {
        return new String(canonical, java.nio.charset.StandardCharsets.UTF_8);
    }
}
