package io.vigil.testsupport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.sim.SimDevice;

/** Telemetry packets for tests, signed with the device's demo key (PROTOCOL §5): cpu 12.5, battery 87.0. */
public final class SignedPackets {

    private SignedPackets() {
    }

    public static ObjectNode unsigned(String deviceId, long seq, long timestamp, double temperature) {
        ObjectNode p = CanonicalJson.STRICT.createObjectNode();
        p.put("device_id", deviceId);
        p.put("type", "telemetry");
        p.put("sequence_no", seq);
        p.put("timestamp", timestamp);
        p.put("cpu_usage", 12.5);
        p.put("battery_level", 87.0);
        p.putObject("sensors").put("temperature", temperature).put("humidity", 41.0).put("light", 310.0).put("motion", 0);
        return p;
    }

    public static String signed(String deviceId, long seq, long timestamp, double temperature) {
        return SimDevice.sign(Ed25519.demoKey(deviceId), unsigned(deviceId, seq, timestamp, temperature));
    }

    /** A heartbeat: the same packet shape with type heartbeat. */
    public static String heartbeat(String deviceId, long seq, long timestamp) {
        ObjectNode p = unsigned(deviceId, seq, timestamp, 21.0);
        p.put("type", "heartbeat");
        return SimDevice.sign(Ed25519.demoKey(deviceId), p);
    }

    public static String publicKey(String deviceId) {
        return Ed25519.encode(Ed25519.demoKey(deviceId).generatePublicKey());
    }
}
