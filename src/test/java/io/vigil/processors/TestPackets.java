package io.vigil.processors;

import io.vigil.model.Packet;
import io.vigil.testsupport.SignedPackets;
import java.nio.charset.StandardCharsets;

/** Signed test packets with the demo keys. */
final class TestPackets {

    static final PacketValidator VALIDATOR = new PacketValidator(4096);

    private TestPackets() {
    }

    static String signed(String deviceId, long seq, long timestamp, double temperature) {
        return SignedPackets.signed(deviceId, seq, timestamp, temperature);
    }

    static Packet packet(String deviceId, long seq, long timestamp, double temperature) {
        return VALIDATOR.validate(signed(deviceId, seq, timestamp, temperature).getBytes(StandardCharsets.UTF_8));
    }
}
