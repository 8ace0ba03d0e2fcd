package io.vigil.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/** PROTOCOL §5 test vectors, reproduced byte for byte, and quoted unchanged by the project's docs/contract.md. */
class ProtocolVectorsTest {

    @Test
    void the_contract_page_quotes_every_vector_unchanged() throws Exception {
        String page = java.nio.file.Files.readString(java.nio.file.Path.of("docs/contract.md"), StandardCharsets.UTF_8);
        List<String> vectors = new ArrayList<>(List.of(
                "seed (hex)   3e6676a2169e765ce639f6c3aeac34cb6a3615649842c69cc2f30e1268a83516",
                "public key   0SBF7O64tU8c80XZUs4jiaE53BVnWEXTNKWrjxhs1oQ",
                "wire         " + WIRE, "canonical    " + CANONICAL,
                "sig          jMaM9WsdLYikCmxc1Bs45FYCF7KfFWTjwH8YOqChlRnR0AogC8DRBvkmbz2OQtj0Vamz9yl3vDXGCMC7ve9-CA",
                "merkle root  38ea503500f0aa8e3015b8abd7a899d0fd39f76b025a8508a9d624965455cd6e", MQTT_PASSWORD));
        vectors.addAll(List.of(LEAVES));
        for (String vector : vectors) {
            assertThat(page.lines().anyMatch(line -> line.equals(vector))).as("docs/contract.md has the line " + vector).isTrue();
        }
    }

    private static final String WIRE = "{\"device_id\": \"esp32-lab-01\", \"type\": \"telemetry\", \"sequence_no\": 42, "
            + "\"timestamp\": 1795000000123, \"cpu_usage\": 12.5, \"battery_level\": 87.0, \"sensors\": {\"temperature\": 22.4, "
            + "\"humidity\": 41.0, \"light\": 310.0, \"motion\": 0}, \"sig\": "
            + "\"jMaM9WsdLYikCmxc1Bs45FYCF7KfFWTjwH8YOqChlRnR0AogC8DRBvkmbz2OQtj0Vamz9yl3vDXGCMC7ve9-CA\"}";
    private static final String CANONICAL = "{\"battery_level\":87,\"cpu_usage\":12.5,\"device_id\":\"esp32-lab-01\","
            + "\"sensors\":{\"humidity\":41,\"light\":310,\"motion\":0,\"temperature\":22.4},\"sequence_no\":42,"
            + "\"timestamp\":1795000000123,\"type\":\"telemetry\"}";
    private static final String[] LEAVES = {
        "{\"battery_level\":87,\"cpu_usage\":12.5,\"device_id\":\"esp32-lab-01\",\"sensors\":{\"humidity\":41,\"light\":310,\"motion\":0,\"temperature\":22.4},\"sequence_no\":42,\"sig\":\"jMaM9WsdLYikCmxc1Bs45FYCF7KfFWTjwH8YOqChlRnR0AogC8DRBvkmbz2OQtj0Vamz9yl3vDXGCMC7ve9-CA\",\"timestamp\":1795000000123,\"type\":\"telemetry\"}",
        "{\"battery_level\":87,\"cpu_usage\":12.5,\"device_id\":\"esp32-lab-01\",\"sensors\":{\"humidity\":41,\"light\":310,\"motion\":0,\"temperature\":22.4},\"sequence_no\":43,\"sig\":\"KljdMKOwmuLp1rPOnLMH9uJ3z8oLTGOcsI-fjJpIB6aFm5pRw7faAOREdP4a4mTwypqyYAgQVXXk0bbU2pliAw\",\"timestamp\":1795000001123,\"type\":\"telemetry\"}",
        "{\"battery_level\":87,\"cpu_usage\":12.5,\"device_id\":\"esp32-lab-01\",\"sensors\":{\"humidity\":41,\"light\":310,\"motion\":0,\"temperature\":22.4},\"sequence_no\":44,\"sig\":\"6hSK9lqedizE-e-95SOk0EpgJXzjq7w0FESTnbG7MHn6LH0rIj9nhuLXVBWQMkAnJBgEvK00TbPTXTO5l6RlDg\",\"timestamp\":1795000002123,\"type\":\"telemetry\"}",
    };

    @Test
    void demo_seed_and_public_key_match_the_vector() {
        byte[] seed = Ed25519.sha256("vigil-demo-device:esp32-lab-01".getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(seed)).isEqualTo("3e6676a2169e765ce639f6c3aeac34cb6a3615649842c69cc2f30e1268a83516");
        assertThat(Ed25519.encode(Ed25519.demoKey("esp32-lab-01").generatePublicKey()))
                .isEqualTo("0SBF7O64tU8c80XZUs4jiaE53BVnWEXTNKWrjxhs1oQ");
    }

    @Test
    void canonical_form_of_the_wire_packet_without_sig_matches_the_vector() throws Exception {
        ObjectNode packet = (ObjectNode) CanonicalJson.parse(WIRE);
        assertThat(new String(CanonicalJson.bytesWithout(packet, "sig"), StandardCharsets.UTF_8)).isEqualTo(CANONICAL);
    }

    @Test
    void signing_the_canonical_form_gives_the_vector_signature_and_it_verifies() throws Exception {
        Ed25519PrivateKeyParameters key = Ed25519.demoKey("esp32-lab-01");
        String sig = Ed25519.sign(key, CANONICAL.getBytes(StandardCharsets.UTF_8));
        assertThat(sig).isEqualTo("jMaM9WsdLYikCmxc1Bs45FYCF7KfFWTjwH8YOqChlRnR0AogC8DRBvkmbz2OQtj0Vamz9yl3vDXGCMC7ve9-CA");
        Ed25519.VerifyKey verifyKey = Ed25519.VerifyKey.of("0SBF7O64tU8c80XZUs4jiaE53BVnWEXTNKWrjxhs1oQ");
        assertThat(verifyKey.verify(CANONICAL.getBytes(StandardCharsets.UTF_8), sig)).isTrue();
        assertThat(verifyKey.verify(CANONICAL.replace("12.5", "12.6").getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    }

    @Test
    void the_three_log_batch_has_the_vector_leaves_and_merkle_root() throws Exception {
        Ed25519PrivateKeyParameters key = Ed25519.demoKey("esp32-lab-01");
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode packet = (ObjectNode) CanonicalJson.parse(WIRE);
            packet.remove("sig");
            packet.put("sequence_no", 42 + i);
            packet.put("timestamp", 1795000000123L + 1000L * i);
            packet.put("sig", Ed25519.sign(key, CanonicalJson.bytesWithout(packet, "sig")));
            byte[] leaf = CanonicalJson.bytes(packet);
            assertThat(new String(leaf, StandardCharsets.UTF_8)).isEqualTo(LEAVES[i]);
            leaves.add(leaf);
        }
        assertThat(MerkleTree.rootHex(leaves)).isEqualTo("38ea503500f0aa8e3015b8abd7a899d0fd39f76b025a8508a9d624965455cd6e");
    }

    private static final String MQTT_PASSWORD = "v1.1795000000123.eiWTLqfnMTQGD2zRmybIWOMSqorkX4kQkAYN3lpOGaeZjvtxsvog6R7tfp8_"
            + "EHVQ-zUKE1ULqS-6QJZ-245GBQ";

    @Test
    void the_mqtt_connect_password_matches_the_section_1a_vector_and_is_checked_against_server_time() {
        assertThat(MqttCredential.password(Ed25519.demoKey("esp32-lab-01"), "esp32-lab-01", 1795000000123L))
                .isEqualTo(MQTT_PASSWORD);
        Ed25519.VerifyKey key = Ed25519.VerifyKey.of("0SBF7O64tU8c80XZUs4jiaE53BVnWEXTNKWrjxhs1oQ");
        long at = 1795000000123L;
        assertThat(MqttCredential.check(key, "esp32-lab-01", MQTT_PASSWORD, at)).isEqualTo(MqttCredential.Verdict.VALID);
        assertThat(MqttCredential.check(key, "esp32-lab-01", MQTT_PASSWORD, at + 300_000))
                .isEqualTo(MqttCredential.Verdict.VALID);
        assertThat(MqttCredential.check(key, "esp32-lab-01", MQTT_PASSWORD, at + 300_001))
                .as("stale after 300 s").isEqualTo(MqttCredential.Verdict.STALE);
        assertThat(MqttCredential.check(key, "esp32-lab-01", MQTT_PASSWORD, at - 300_001))
                .as("from the future").isEqualTo(MqttCredential.Verdict.STALE);
        assertThat(MqttCredential.check(key, "esp32-lab-02", MQTT_PASSWORD, at))
                .as("another device's name").isEqualTo(MqttCredential.Verdict.BAD_SIGNATURE);
        assertThat(MqttCredential.check(key, "esp32-lab-01", MQTT_PASSWORD.replace("v1.1795000000123", "v1.1795000000124"), at))
                .as("another time").isEqualTo(MqttCredential.Verdict.BAD_SIGNATURE);
        // The last character's unused low bits changed: same bytes, another spelling, refused (as for packets).
        String respelled = MQTT_PASSWORD.substring(0, MQTT_PASSWORD.length() - 1) + "R";
        assertThat(MqttCredential.check(key, "esp32-lab-01", respelled, at)).isEqualTo(MqttCredential.Verdict.BAD_SIGNATURE);
        for (String malformed : new String[] {"", "v1.", "v1..sig", "v2.1795000000123.x", "v1.01795000000123.x", "v1.+5.x",
            "1795000000123"}) {
            assertThat(MqttCredential.check(key, "esp32-lab-01", malformed, at)).as(malformed)
                    .isIn(MqttCredential.Verdict.MALFORMED, MqttCredential.Verdict.BAD_SIGNATURE);
        }
    }
}
