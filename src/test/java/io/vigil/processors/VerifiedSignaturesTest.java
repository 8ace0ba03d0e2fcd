package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.crypto.Ed25519;
import io.vigil.model.BadSignatureException;
import io.vigil.model.Packet;
import io.vigil.testsupport.SignedPackets;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each signature verified once per process: the server's shortcut holds only for exactly what the gateway verified. */
class VerifiedSignaturesTest {

    private static final long T = 1_795_000_000_000L;
    private final Packet packet = TestPackets.packet("esp32-lab-01", 1, T, 20);
    private final Ed25519.VerifyKey key = Ed25519.VerifyKey.of(SignedPackets.publicKey("esp32-lab-01"));
    private final Ed25519.VerifyKey otherKey = Ed25519.VerifyKey.of(SignedPackets.publicKey("esp32-lab-02"));

    @Test
    void a_verified_signature_is_taken_once_and_only_for_the_same_key_and_bytes() {
        VerifiedSignatures cache = new VerifiedSignatures(100);
        cache.verified(key, packet.signingInput(), packet.sig());
        assertThat(cache.take(otherKey, packet.signingInput(), packet.sig())).as("another key").isFalse();
        cache.verified(key, packet.signingInput(), packet.sig());
        byte[] otherBytes = "{\"other\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(cache.take(key, otherBytes, packet.sig())).as("other bytes under the same signature").isFalse();
        cache.verified(key, packet.signingInput(), packet.sig());
        assertThat(cache.take(key, packet.signingInput(), packet.sig())).isTrue();
        assertThat(cache.take(key, packet.signingInput(), packet.sig())).as("taken once").isFalse();
    }

    @Test
    void old_entries_age_out_after_two_generations() {
        VerifiedSignatures cache = new VerifiedSignatures(2);
        cache.verified(key, packet.signingInput(), packet.sig());
        for (int i = 0; i < 4; i++) {
            Packet other = TestPackets.packet("esp32-lab-01", 10 + i, T, 20);
            cache.verified(key, other.signingInput(), other.sig());
        }
        assertThat(cache.take(key, packet.signingInput(), packet.sig())).isFalse();
    }

    @Test
    void the_server_check_still_refuses_a_packet_whose_bytes_were_changed_after_the_gateway_verified_it(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        var db = TestDatabase.open(dir);
        DeviceRegistry devices = new DeviceRegistry(db);
        devices.provision("esp32-lab-01", SignedPackets.publicKey("esp32-lab-01"), T);
        VerifiedSignatures cache = new VerifiedSignatures(100);
        SignatureVerifier gateway = new SignatureVerifier(devices, cache);
        SignatureVerifier server = new SignatureVerifier(devices, cache);
        gateway.verify(packet);
        // Same signature, other content (temperature 21 instead of 20): the binding differs, so the server verifies.
        Packet tampered = TestPackets.VALIDATOR.validate(SignedPackets.signed("esp32-lab-01", 1, T, 20)
                .replace("\"temperature\":20", "\"temperature\":21").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> server.reverify(tampered)).isInstanceOf(BadSignatureException.class);
        assertThat(server.reverify(packet)).isSameAs(packet);
        db.close();
    }
}
