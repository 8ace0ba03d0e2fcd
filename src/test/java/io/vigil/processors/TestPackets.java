package io.vigil.processors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.model.Packet;
import io.vigil.sim.SimDevice;
import java.nio.charset.StandardCharsets;

/** Signed test packets with the demo keys. */
final class TestPackets {

    static final PacketValidator VALIDATOR = new PacketValidator(4096);

    private TestPackets() {
    }

    static ObjectNode unsigned(String deviceId, long seq, long timestamp, double temperature) {
        ObjectNode p = CanonicalJson.STRICT.createObjectNode();
        p.put("device_id", deviceId);
        p.put("type", "telemetry");
        p.put("sequence_no", seq);
        p.put("timestamp", timestamp);
        p.put("cpu_usage", 12.5);
        p.put("battery_level", 87.0);
        p.putObject("sensors").put("temperature", temperature).put("humidity", 41.0);
        return p;
    }

    static String signed(String deviceId, long seq, long timestamp, double temperature) {
        return SimDevice.sign(Ed25519.demoKey(deviceId), unsigned(deviceId, seq, timestamp, temperature));
    }

    static Packet packet(String deviceId, long seq, long timestamp, double temperature) {
        return VALIDATOR.validate(signed(deviceId, seq, timestamp, temperature).getBytes(StandardCharsets.UTF_8));
    }
}
