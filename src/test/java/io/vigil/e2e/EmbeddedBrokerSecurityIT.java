package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.crypto.MerkleTree;
import io.vigil.crypto.MqttCredential;
import io.vigil.testsupport.SignedPackets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * PROTOCOL v1.1 attacked from outside, as someone who read it and holds no device key: the real mosquitto_pub and
 * mosquitto_sub against the embedded broker (with and without credentials), packets naming other devices,
 * re-encoded signatures, replays, UTF-16, a flood, forged batches posted with the gateway token, and the dev chain's
 * JSON-RPC. Only what a user sees is asserted: exit codes and client output, REST answers, the chain itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedBrokerSecurityIT {

    static final String ADMIN = "it-admin-token";
    static final String GATEWAY = "it-gateway-token";
    static final String A = "sec-dev-a";
    static final String B = "sec-dev-b";
    static final String C = "sec-dev-c";
    static final int VALID = 73;

    VigilProcess app;
    Api api;
    Chain chain;
    int port;
    long now;

    record Run(int exit, String output) {
    }

    @BeforeAll
    void start() throws Exception {
        app = new VigilProcess(Files.createTempDirectory("vigil-security-it-")).with("VIGIL_BATCH_SIZE", "10")
                .with("VIGIL_BATCH_TIMEOUT_MS", "300").start();
        api = app.api();
        port = Integer.parseInt(app.env("VIGIL_MQTT_PORT"));
        for (String device : List.of(A, B, C)) {
            assertThat(api.post("/api/v1/devices", ADMIN, PipelineContract.provision(device)).status()).isEqualTo(201);
        }
        JsonNode ledger = api.viewer("/api/v1/ledger");
        chain = new Chain(ledger.get("rpc_url").asText(), ledger.get("audit_ledger").asText(),
                ledger.get("device_trust").asText());
        now = System.currentTimeMillis();
    }

    @AfterAll
    void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
        if (app != null) {
            app.stop();
        }
    }

    private Run mosquitto(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(1, List.of("-V", "mqttv5", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not end");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String password(String signer, String named, long at) {
        return MqttCredential.password(Ed25519.demoKey(signer), named, at);
    }

    @Test
    @Order(1)
    void only_a_device_with_a_fresh_credential_signed_by_its_own_key_may_connect() throws Exception {
        String packet = SignedPackets.signed(A, 5000, now, 20);
        Run anonymous = mosquitto("mosquitto_pub", "-t", "iot/logs", "-q", "1", "-m", packet);
        Run unknown = mosquitto("mosquitto_pub", "-t", "iot/logs", "-u", "sec-rogue", "-P", password("sec-rogue",
                "sec-rogue", now), "-m", packet);
        Run stale = mosquitto("mosquitto_pub", "-t", "iot/logs", "-u", A, "-P", password(A, A, now - 301_000), "-m", packet);
        Run otherKey = mosquitto("mosquitto_pub", "-t", "iot/logs", "-u", A, "-P", password(B, A, now), "-m", packet);
        Run vector = mosquitto("mosquitto_pub", "-t", "iot/logs", "-u", A, "-P",
                "v1.1795000000123.eiWTLqfnMTQGD2zRmybIWOMSqorkX4kQkAYN3lpOGaeZjvtxsvog6R7tfp8_EHVQ-zUKE1ULqS-6QJZ-245GBQ",
                "-m", packet);
        Run service = mosquitto("mosquitto_sub", "-t", "iot/logs", "-u", "vigil:service", "-P", "guess", "-W", "2");
        Run reserved = mosquitto("mosquitto_pub", "-t", "iot/logs", "-i", "vigil-gw-it", "-u", A, "-P",
                password(A, A, System.currentTimeMillis()), "-m", packet);
        for (Run refused : List.of(anonymous, unknown, stale, otherKey, vector, service, reserved)) {
            assertThat(refused.exit()).as(refused.output()).isNotZero();
            assertThat(refused.output()).containsAnyOf("Not authorized", "Bad User Name or Password",
                    "Client Identifier not valid");
        }
        // Each refusal is a security event for the id it named, and none of them costs trust (§1a).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode events = api.items("/api/v1/security-events?device_id=" + A);
            assertThat(events).extracting(e -> e.get("kind").asText()).containsOnly("bad_signature").hasSize(3);
            assertThat(api.items("/api/v1/security-events?device_id=sec-rogue")).extracting(e -> e.get("kind").asText())
                    .containsExactly("unknown_device");
            assertThat(api.items("/api/v1/security-events?kind=unknown_device").toString())
                    .contains("without credentials");
        });
        // The three bad credentials of A within 60 s are one incident with its count.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode alerts = api.items("/api/v1/alerts?device_id=" + A);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).get("count").asInt()).isEqualTo(3);
            assertThat(alerts.get(0).get("attributable").asBoolean()).isFalse();
        });
        assertThat(api.items("/api/v1/logs?device_id=" + A).size()).isZero();
        // A device's own fresh credential is accepted: the packet is stored.
        Run ok = mosquitto("mosquitto_pub", "-t", "iot/logs", "-q", "1", "-u", A, "-P",
                password(A, A, System.currentTimeMillis()), "-m", SignedPackets.signed(A, 0, now, 20));
        assertThat(ok.exit()).as(ok.output()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.items("/api/v1/logs?device_id=" + A).size()).isEqualTo(1));
    }

    @Test
    @Order(2)
    void a_device_may_publish_only_its_logs_and_read_only_its_own_commands() throws Exception {
        String pw = password(A, A, System.currentTimeMillis());
        for (String filter : List.of("iot/logs", "iot/cmd/" + B, "#", "$share/g/iot/logs", "iot/cmd/+")) {
            Run sub = mosquitto("mosquitto_sub", "-u", A, "-P", pw, "-t", filter, "-W", "3");
            assertThat(sub.output()).as(filter).contains("denied");
        }
        Run cmd = mosquitto("mosquitto_pub", "-u", A, "-P", pw, "-t", "iot/cmd/" + B, "-q", "1", "-m", "{\"action\":\"unlock\"}");
        assertThat(cmd.output()).contains("Not authorized");
        Run retained = mosquitto("mosquitto_pub", "-u", A, "-P", pw, "-t", "iot/cmd/" + A, "-q", "1", "-r", "-m", "{}");
        assertThat(retained.output()).contains("Not authorized");
        // Its own command topic it may read (the subscription is granted; nothing planted is waiting there).
        Run own = mosquitto("mosquitto_sub", "-u", B, "-P", password(B, B, System.currentTimeMillis()), "-t",
                "iot/cmd/" + B, "-W", "2", "-C", "1");
        assertThat(own.output()).doesNotContain("denied").doesNotContain("unlock");
    }

    @Test
    @Order(3)
    void forged_re_encoded_replayed_and_utf16_packets_store_nothing_and_change_no_trust() throws Exception {
        List<String> valid = new ArrayList<>();
        for (int i = 1; i < VALID; i++) {
            valid.add(SignedPackets.signed(A, i, now + i * 100L, 20 + i % 5));
        }
        try (Devices a = new Devices(app.mqttUrl(), "iot/logs", null, Devices.deviceLogin(A));
                Devices fleet = Devices.fleet(app, "iot/logs")) {
            for (int i = 0; i < 69; i++) {
                a.publish(valid.get(i));                                                  // seq 1..69
            }
            String seq70 = valid.get(69);
            String sig = seq70.substring(seq70.indexOf("\"sig\":\"") + 7, seq70.lastIndexOf('"'));
            // The last character's 4 unused low bits set: the same 64 bytes, another spelling (§1).
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            String respelled = sig.substring(0, sig.length() - 1)
                    + alphabet.charAt(alphabet.indexOf(sig.charAt(sig.length() - 1)) + 1);
            assertThat(java.util.Base64.getUrlDecoder().decode(respelled))
                    .isEqualTo(java.util.Base64.getUrlDecoder().decode(sig));
            a.publish(seq70.replace(sig, respelled));                                   // bad_signature
            a.publishBytes(valid.get(70).getBytes(StandardCharsets.UTF_16));          // schema (UTF-16)
            a.publishBytes(("\uFEFF" + valid.get(70)).getBytes(StandardCharsets.UTF_8)); // schema (BOM)
            a.publishBytes(new byte[0]);                                             // schema (empty)
            a.publish(valid.get(0));                                                 // replay below the window
            a.publish(SimSign.signedWith(B, A, 72, now + 7200));                     // A named, B's key
            a.publish(seq70);
            a.publish(valid.get(70));
            a.publish(valid.get(71));
            for (int i = 0; i < 40; i++) {                                           // a flood naming C, no key
                fleet.publish(SimSign.signedWith(A, C, 1000 + i, now));
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(api.items("/api/v1/logs?device_id=" + A + "&limit=1000").size()).isEqualTo(VALID);
            assertThat(api.items("/api/v1/security-events?device_id=" + C + "&limit=1000").size()).isEqualTo(40);
        });
        JsonNode alertsC = api.items("/api/v1/alerts?device_id=" + C);
        assertThat(alertsC).as("a flood is one incident with its count").hasSize(1);
        assertThat(alertsC.get(0).get("count").asInt()).isEqualTo(40);
        assertThat(api.items("/api/v1/logs?device_id=" + C).size()).isZero();
        Long sequences = java.util.stream.StreamSupport.stream(
                api.items("/api/v1/logs?device_id=" + A + "&limit=1000").spliterator(), false)
                .map(l -> l.get("sequence_no").asLong()).distinct().count();
        assertThat(sequences).as("each valid log once").isEqualTo(VALID);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(chain.incidentCounts(C)).extracting(c -> c[1]).last().isEqualTo(40));
        assertThat(chain.trustOf(A)).isEqualTo(100);
        assertThat(chain.trustOf(C)).isEqualTo(100);
    }

    @Test
    @Order(4)
    void a_packet_naming_another_device_costs_the_logged_in_device_not_the_named_one() throws Exception {
        try (Devices a = new Devices(app.mqttUrl(), "iot/logs", null, Devices.deviceLogin(A))) {
            a.publish(SignedPackets.signed(B, 1, now, 20)); // validly signed by B, sent on A's login
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(api.items("/api/v1/security-events?kind=impersonation").get(0).get("device_id").asText())
                    .isEqualTo(A);
            assertThat(chain.trustOf(A)).isEqualTo(80);
        });
        assertThat(chain.trustOf(B)).isEqualTo(100);
        assertThat(api.items("/api/v1/logs?device_id=" + B).size()).isZero();
    }

    private ObjectNode batch(List<String> logs) throws Exception {
        ObjectNode batch = CanonicalJson.STRICT.createObjectNode();
        batch.put("batch_id", UUID.randomUUID().toString());
        batch.put("gateway_id", "gw-attacker");
        batch.put("created_at", System.currentTimeMillis());
        ArrayNode array = batch.putArray("logs");
        List<byte[]> leaves = new ArrayList<>();
        for (String log : logs) {
            JsonNode node = CanonicalJson.parse(log);
            array.add(node);
            leaves.add(CanonicalJson.bytes(node));
        }
        batch.put("batch_hash", MerkleTree.rootHex(leaves));
        return batch;
    }

    @Test
    @Order(5)
    void forged_batches_with_the_gateway_token_create_alter_or_pre_empt_nothing() throws Exception {
        long stored = api.viewer("/api/v1/stats").get("stored").asLong();
        long now = System.currentTimeMillis();
        String genuine = SignedPackets.signed(A, 200, now, 20);
        List<List<String>> forged = List.of(
                List.of(genuine.replace("\"cpu_usage\":12.5", "\"cpu_usage\":13.5")),          // altered
                List.of(SimSign.signedWith(B, A, 201, now)),                                // another key
                List.of(SignedPackets.signed("sec-rogue", 1, now, 20)),                     // unknown device
                List.of(SignedPackets.signed(A, 202, now, 20).replaceAll("\"timestamp\":\\d+", "\"timestamp\":0")),
                List.of(SignedPackets.signed(A, 203, now, 20), SimSign.garbage(A, 204, now)));
        for (List<String> logs : forged) {
            Api.Answer answer = api.post("/api/v1/batches", GATEWAY, batch(logs).toString());
            assertThat(answer.status()).as(answer.json().toString()).isEqualTo(422);
            assertThat(answer.json().get("error").asText()).startsWith("log ");
            assertThat(answer.json().toString().toLowerCase()).doesNotContain("insert").doesNotContain("select ")
                    .doesNotContain("constraint").doesNotContain("logs_");
        }
        assertThat(api.viewer("/api/v1/stats").get("stored").asLong()).isEqualTo(stored);

        // A sniffed genuine log posted first is stored as what it is; the device's own copy then costs nothing and
        // the other logs of the gateway's batch are all stored.
        assertThat(api.post("/api/v1/batches", GATEWAY, batch(List.of(genuine)).toString()).status()).isEqualTo(201);
        String heartbeat = SignedPackets.heartbeat(A, 210, now);
        assertThat(api.post("/api/v1/batches", GATEWAY, batch(List.of(heartbeat)).toString()).status()).isEqualTo(201);
        Api.Answer again = api.post("/api/v1/batches", GATEWAY, batch(List.of(heartbeat)).toString());
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("logs").asInt()).as("the same heartbeat is not stored twice").isZero();
        try (Devices a = new Devices(app.mqttUrl(), "iot/logs", null, Devices.deviceLogin(A))) {
            a.publish(genuine);
            for (int i = 211; i < 215; i++) {
                a.publish(SignedPackets.signed(A, i, now + i, 21));
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(api.items("/api/v1/logs?device_id=" + A + "&limit=1000").size()).isEqualTo(VALID + 6));
        // One +1 for the one heartbeat, however often it is posted.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(chain.trustOf(A)).isEqualTo(81));
        for (JsonNode b : api.items("/api/v1/batches?limit=1000")) {
            JsonNode v = api.viewer("/api/v1/batches/" + b.get("batch_id").asText() + "/verify");
            assertThat(v.get("recomputed_hash").asText()).as(v.toString()).isEqualTo(b.get("batch_hash").asText());
        }
        assertThat(api.items("/api/v1/security-events?kind=replay&device_id=" + A).size()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void the_dev_chain_signs_for_nobody_and_no_key_is_in_a_process_listing() throws Exception {
        String rpc = api.viewer("/api/v1/ledger").get("rpc_url").asText();
        HttpClient http = HttpClient.newHttpClient();
        java.util.function.Function<String, JsonNode> call = body -> {
            try {
                return CanonicalJson.STRICT.readTree(http.send(HttpRequest.newBuilder(URI.create(rpc))
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        JsonNode accounts = call.apply("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_accounts\",\"params\":[]}");
        assertThat(accounts.get("result").size()).isGreaterThanOrEqualTo(2);
        String trust = api.viewer("/api/v1/ledger").get("device_trust").asText();
        for (JsonNode account : accounts.get("result")) {
            for (String method : List.of("eth_sendTransaction", "personal_sendTransaction")) {
                JsonNode sent = call.apply("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"" + method + "\",\"params\":[{\"from\":\""
                        + account.asText() + "\",\"to\":\"" + trust + "\",\"data\":\"0x\"}" + (method.startsWith("personal")
                        ? ",\"\"" : "") + "]}");
                assertThat(sent.has("error")).as(method + " " + sent).isTrue();
            }
            JsonNode unlock = call.apply("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"personal_unlockAccount\",\"params\":[\""
                    + account.asText() + "\",\"\",0]}");
            assertThat(unlock.has("error")).as(unlock.toString()).isTrue();
        }
        JsonNode storage = call.apply("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"evm_setAccountStorageAt\",\"params\":[\""
                + trust + "\",\"0x0\",\"0x0\"]}");
        assertThat(storage.has("error")).isTrue();
        Properties keys = new Properties();
        try (var in = Files.newInputStream(app.dataDir.resolve("ledger").resolve("dev-keys.properties"))) {
            keys.load(in);
        }
        Process ps = new ProcessBuilder("ps", "-eww", "-o", "args").redirectErrorStream(true).start();
        String listing = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).toLowerCase();
        assertThat(ps.waitFor()).isZero();
        for (String key : keys.stringPropertyNames()) {
            assertThat(listing).as(key + " key in ps").doesNotContain(keys.getProperty(key).toLowerCase().replace("0x", ""));
        }
        assertThat(listing).doesNotContain(new String(Files.readAllBytes(app.dataDir.resolve("mqtt-credentials.properties")))
                .lines().filter(l -> l.startsWith("service.password=")).findFirst().orElseThrow().substring(17).toLowerCase());
        // Owner-only: the data dir and its secrets.
        assertThat(Files.getPosixFilePermissions(app.dataDir)).containsOnly(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                app.dataDir.resolve("mqtt-credentials.properties")))).isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                app.dataDir.resolve("db")))).isEqualTo("rwx------");
        try (var dbFiles = Files.list(app.dataDir.resolve("db"))) {
            assertThat(dbFiles.filter(f -> f.toString().endsWith(".mv.db")).toList()).isNotEmpty().allSatisfy(f -> assertThat(java.nio.file.attribute.PosixFilePermissions
                    .toString(Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------"));
        }
    }

    /** Packets signed with some other device's demo key, and a packet whose sig is garbage. */
    static final class SimSign {
        static String signedWith(String signer, String named, long seq, long timestamp) {
            return io.vigil.sim.SimDevice.sign(Ed25519.demoKey(signer), SignedPackets.unsigned(named, seq, timestamp, 20));
        }

        static String garbage(String named, long seq, long timestamp) {
            String p = SignedPackets.signed(named, seq, timestamp, 20);
            return p.substring(0, p.indexOf("\"sig\":\"") + 7) + "A".repeat(86) + "\"}";
        }
    }
}
