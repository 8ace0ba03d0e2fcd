package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.testsupport.SignedPackets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Black box with the embedded dev chain: logs and attacks over MQTT, then the chain read directly (JSON-RPC,
 * not the application's database) for batch roots, incidents and trust; trust-gated commands observed on
 * the broker; the offline audit command run on the JSONL export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerIT {

    static final String ADMIN = "it-admin-token";
    static final String OPERATOR = "it-operator-token";
    static final String VIEWER = "it-viewer-token";
    /**
     * Healthy: telemetry only. Forged: 3 packets signed with another key (anyone can send those: one incident with
     * count 3, no trust), then one validly signed packet its clock puts an hour ahead (its key holder's doing: −20),
     * then 3 heartbeats (+3). Distrusted: three attributable incidents of three kinds (PROTOCOL v1.1 §4): a signed
     * packet failing sanity, a sequence number reused with other bytes, a flood over the rate limit.
     */
    static final String HEALTHY = "it-healthy";
    static final String FORGED = "it-forged";
    static final String DISTRUSTED = "it-distrusted";
    static final int TELEMETRY = 30;

    Path dataDir;
    VigilProcess app;
    Api api;
    Chain chain;
    long now;

    @BeforeAll
    void start() throws Exception {
        dataDir = Files.createTempDirectory("vigil-ledger-it-");
        app = new VigilProcess(dataDir).with("VIGIL_BATCH_SIZE", "10").with("VIGIL_BATCH_TIMEOUT_MS", "500").start();
        api = app.api();
        for (String device : List.of(HEALTHY, FORGED, DISTRUSTED)) {
            assertThat(api.post("/api/v1/devices", ADMIN, "{\"device_id\":\"" + device + "\",\"public_key\":\""
                    + SignedPackets.publicKey(device) + "\"}").status()).isEqualTo(201);
        }
        JsonNode ledger = api.viewer("/api/v1/ledger");
        assertThat(ledger.get("connected").asBoolean()).isTrue();
        chain = new Chain(ledger.get("rpc_url").asText(), ledger.get("audit_ledger").asText(),
                ledger.get("device_trust").asText());
        now = System.currentTimeMillis();
        try (Devices devices = Devices.fleet(app, "iot/logs")) {
            for (int i = 0; i < TELEMETRY; i++) {
                devices.publish(SignedPackets.signed(HEALTHY, i, now + i * 100L, 20 + i * 0.1));
            }
            for (int i = 0; i < 3; i++) {
                devices.publish(SignedPackets.signed(FORGED, i, now, 20).replace("\"cpu_usage\":12.5", "\"cpu_usage\":99.0"));
            }
            devices.publish(SignedPackets.signed(FORGED, 10, now + 3_600_000L, 20));                 // sanity
            devices.publish(SignedPackets.signed(DISTRUSTED, 0, now + 3_600_000L, 20));              // sanity
            devices.publish(SignedPackets.signed(DISTRUSTED, 1, now, 20));
            devices.publish(SignedPackets.signed(DISTRUSTED, 1, now, 21));                           // replay: other bytes
            for (int i = 0; i < 25; i++) {                                                         // 25 in 25 ms: rate
                devices.publish(SignedPackets.signed(DISTRUSTED, 10 + i, now + 2000 + i, 20));
            }
        }
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

    @Test
    @Order(1)
    void every_stored_batch_root_is_on_chain_under_its_batch_id() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(api.items("/api/v1/logs?device_id=" + HEALTHY + "&limit=1000").size()).isEqualTo(TELEMETRY);
            JsonNode batches = api.items("/api/v1/batches?limit=1000");
            assertThat(batches.size()).isGreaterThanOrEqualTo(3);
            for (JsonNode batch : batches) {
                assertThat(chain.batchRoot(batch.get("batch_id").asText())).as(batch.toString())
                        .contains(batch.get("batch_hash").asText());
                // And the API's verify agrees, with the anchor's receipt read back from the chain. (Checked in the
                // same pass: the other devices' packets may still seal a batch after HEALTHY's are all stored.)
                JsonNode v = api.viewer("/api/v1/batches/" + batch.get("batch_id").asText() + "/verify");
                assertThat(v.get("verified").asBoolean()).as(v.toString()).isTrue();
                assertThat(v.get("onchain_hash").asText()).isEqualTo(batch.get("batch_hash").asText());
                assertThat(v.get("tx_hash").asText()).startsWith("0x");
                assertThat(v.get("block_number").asLong()).isPositive();
            }
        });
        // A log proves up to a root in the contract's storage: its audit path to the batch hash, then the batch's
        // path among the batches its transaction anchored (many batches, one root slot).
        JsonNode log = api.items("/api/v1/logs?device_id=" + HEALTHY + "&limit=1").get(0);
        JsonNode proof = api.viewer("/api/v1/logs/" + HEALTHY + "/" + log.get("sequence_no").asLong() + "/proof");
        String batchRoot = io.vigil.crypto.MerkleTree.rootFromAuditPath(
                proof.get("leaf_input").asText().getBytes(StandardCharsets.UTF_8), proof.get("leaf_index").asInt(),
                proof.get("tree_size").asInt(), texts(proof.get("audit_path")));
        assertThat(batchRoot).isEqualTo(proof.get("onchain_hash").asText());
        String anchorRoot = io.vigil.crypto.MerkleTree.rootFromAuditPath(java.util.HexFormat.of().parseHex(batchRoot),
                proof.get("anchor_index").asInt(), proof.get("anchor_size").asInt(), texts(proof.get("anchor_path")));
        assertThat(anchorRoot).as(proof.toString()).isEqualTo(proof.get("anchor_root").asText());
        assertThat(chain.anchoredAt(anchorRoot)).as("block holding the anchor root").isPositive();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(h -> out.add(h.asText()));
        return out;
    }

    @Test
    @Order(2)
    void only_attributable_incidents_cost_trust_and_a_burst_is_one_incident_with_its_count() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            // Forged: three bad signatures are one bad_signature incident counted 3; the sanity failure costs 20.
            assertThat(chain.incidentKinds(FORGED)).containsExactlyInAnyOrder(2, 5);
            assertThat(chain.incidentCounts(FORGED)).extracting(c -> c[0] + ":" + c[1]).last().isEqualTo("2:3");
            assertThat(chain.trustOf(FORGED)).isEqualTo(80);
            // Distrusted: sanity, replay and rate, one −20 each; the flood's 5 refusals are one rate incident. The 20
            // flood packets within the limit may also be one ML alert (kind 7), which costs no trust.
            assertThat(chain.incidentKinds(DISTRUSTED)).filteredOn(k -> k != 7).containsExactlyInAnyOrder(1, 5, 6);
            assertThat(chain.incidentCounts(DISTRUSTED)).extracting(c -> c[0] + ":" + c[1]).last().isEqualTo("6:5");
            assertThat(chain.trustOf(DISTRUSTED)).isEqualTo(40);
        });
        assertThat(chain.trustOf(HEALTHY)).isEqualTo(100);
        assertThat(chain.incidentKinds(HEALTHY)).isEmpty();
        // The alerts carry the incident's transaction and count.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode alerts = api.items("/api/v1/alerts?device_id=" + DISTRUSTED + "&source=security");
            assertThat(alerts.size()).isEqualTo(3);
            alerts.forEach(a -> assertThat(a.get("tx_hash").asText()).startsWith("0x"));
            assertThat(alerts).extracting(a -> a.get("kind").asText() + ":" + a.get("count").asInt()
                    + ":" + a.get("attributable").asBoolean())
                    .containsExactlyInAnyOrder("sanity:1:true", "replay:1:true", "rate:5:true");
            // An incident has a start and an end so far.
            alerts.forEach(a -> assertThat(a.get("last_observed_at").asLong()).isGreaterThanOrEqualTo(
                    a.get("observed_at").asLong()));
            JsonNode forged = api.items("/api/v1/alerts?device_id=" + FORGED + "&source=security");
            assertThat(forged).extracting(a -> a.get("kind").asText() + ":" + a.get("count").asInt()
                    + ":" + a.get("attributable").asBoolean())
                    .containsExactlyInAnyOrder("bad_signature:3:false", "sanity:1:true");
        });
        // The valid packet and the flood's 20 within the limit are stored, each once.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.items("/api/v1/logs?device_id=" + DISTRUSTED + "&limit=1000").size()).isEqualTo(21));
    }

    @Test
    @Order(3)
    void each_valid_heartbeat_adds_one_trust() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> chain.trustOf(FORGED) == 80);
        try (Devices devices = Devices.fleet(app, "iot/logs")) {
            for (int i = 0; i < 3; i++) {
                devices.publish(SignedPackets.heartbeat(FORGED, 100 + i, now + i * 100L));
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(chain.trustOf(FORGED)).isEqualTo(83));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.viewer("/api/v1/devices/" + FORGED).get("trust_score").asInt()).isEqualTo(83));
    }

    @Test
    @Order(4)
    void a_command_below_the_threshold_is_refused_and_nothing_is_published() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> chain.trustOf(DISTRUSTED) == 40);
        BlockingQueue<String> published = new LinkedBlockingQueue<>();
        // Each device hears only its own commands (PROTOCOL v1.1 §1a): one listener per device, one queue.
        MqttClient listener = Devices.commandListener(app.mqttUrl(), HEALTHY, published);
        MqttClient distrustedListener = Devices.commandListener(app.mqttUrl(), DISTRUSTED, published);
        try {
            Api.Answer refused = api.post("/api/v1/devices/" + DISTRUSTED + "/commands", OPERATOR,
                    "{\"action\":\"unlock\",\"params\":{}}");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("detail").get("trust_score").asInt()).isEqualTo(40);
            assertThat(refused.json().get("detail").get("threshold").asInt()).isEqualTo(50);

            Api.Answer viewer = api.post("/api/v1/devices/" + HEALTHY + "/commands", VIEWER, "{\"action\":\"reboot\"}");
            assertThat(viewer.status()).isEqualTo(403);

            Api.Answer allowed = api.post("/api/v1/devices/" + HEALTHY + "/commands", OPERATOR,
                    "{\"action\":\"reboot\",\"params\":{\"delay_s\":5}}");
            assertThat(allowed.status()).isEqualTo(202);
            String commandId = allowed.json().get("command_id").asText();

            // The allowed command, published after the refused decision, arrives; the refused one never did.
            String first = published.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(first).startsWith("iot/cmd/" + HEALTHY + " ").contains(commandId);
            assertThat(published).isEmpty();
            JsonNode command = io.vigil.crypto.CanonicalJson.parse(first.substring(first.indexOf(' ') + 1));
            String key = api.viewer("/api/v1/ledger").get("command_public_key").asText();
            assertThat(io.vigil.crypto.Ed25519.VerifyKey.of(key).verify(
                    io.vigil.crypto.CanonicalJson.bytesWithout((com.fasterxml.jackson.databind.node.ObjectNode) command, "sig"),
                    command.get("sig").asText())).as("signed with the server's command key").isTrue();
        } finally {
            listener.disconnect();
            listener.close();
            distrustedListener.disconnect();
            distrustedListener.close();
        }
        // Both decisions are stored with the trust they were based on.
        JsonNode distrusted = api.viewer("/api/v1/devices/" + DISTRUSTED);
        assertThat(distrusted.get("commands").get(0).get("decision").asText()).isEqualTo("refused");
        assertThat(distrusted.get("commands").get(0).get("trust_score").asInt()).isEqualTo(40);
        assertThat(api.viewer("/api/v1/devices/" + HEALTHY).get("commands").get(0).get("decision").asText())
                .isEqualTo("published");
    }

    @Test
    @Order(5)
    void the_offline_audit_verifies_the_export_against_the_chain_and_catches_a_tampered_log() throws Exception {
        JsonNode ledger = api.viewer("/api/v1/ledger");
        Path devicesFile = dataDir.resolve("audit-devices.csv");
        StringBuilder csv = new StringBuilder();
        for (String device : List.of(HEALTHY, FORGED, DISTRUSTED)) {
            csv.append(device).append(',').append(SignedPackets.publicKey(device)).append('\n');
        }
        Files.writeString(devicesFile, csv);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                api.viewer("/api/v1/stats").get("anchored").asLong() == api.viewer("/api/v1/stats").get("batches").asLong());
        Path export = dataDir.resolve("jsonl");

        Object[] ok = audit(export, devicesFile, ledger);
        assertThat((int) ok[0]).as((String) ok[1]).isZero();
        assertThat((String) ok[1]).contains("VERIFIED").doesNotContain("MISMATCH").doesNotContain("BAD_SIGNATURE")
                .contains(" 0 not verified");

        Path tampered = dataDir.resolve("tampered.jsonl");
        List<String> lines = new java.util.ArrayList<>();
        try (var files = Files.list(export)) {
            for (Path f : files.sorted().toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        lines.set(0, lines.get(0).replace("\"humidity\":41", "\"humidity\":42"));
        Files.write(tampered, lines);
        Object[] bad = audit(tampered, devicesFile, ledger);
        assertThat((int) bad[0]).isEqualTo(1);
        assertThat((String) bad[1]).contains("BAD_SIGNATURE (1 logs)").contains(" 1 not verified");
    }

    @Test
    @Order(6)
    void a_dev_chain_that_dies_is_started_again_and_the_ledger_catches_up_without_a_restart() throws Exception {
        long pid = Long.parseLong(Files.readString(dataDir.resolve("ledger").resolve("ganache.pid")).trim());
        ProcessHandle devChain = ProcessHandle.of(pid).orElseThrow();
        new ProcessBuilder("kill", "-9", String.valueOf(pid)).start().waitFor();
        devChain.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        // Devices keep publishing while it is away; their batch anchors wait in the outbox.
        long start = System.currentTimeMillis();
        try (Devices devices = Devices.fleet(app, "iot/logs")) {
            for (int i = 0; i < 10; i++) {
                devices.publish(SignedPackets.signed(HEALTHY, 1000 + i, start + i * 100L, 21));
            }
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            long restarted = Long.parseLong(Files.readString(dataDir.resolve("ledger").resolve("ganache.pid")).trim());
            assertThat(restarted).isNotEqualTo(pid);
            assertThat(api.items("/api/v1/logs?device_id=" + HEALTHY + "&limit=1000").size()).isEqualTo(TELEMETRY + 10);
            JsonNode stats = api.viewer("/api/v1/stats");
            assertThat(stats.get("anchored").asLong()).isEqualTo(stats.get("batches").asLong());
        });
        for (JsonNode batch : api.items("/api/v1/batches?limit=1000")) {
            assertThat(chain.batchRoot(batch.get("batch_id").asText())).as(batch.toString())
                    .contains(batch.get("batch_hash").asText());
        }
        assertThat(app.api().healthStatus()).isEqualTo(200);
    }

    private Object[] audit(Path export, Path devicesFile, JsonNode ledger) throws Exception {
        String jar = System.getProperty("vigil.jar", "target/vigil.jar");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
                "audit", "--export", export.toString(), "--devices", devicesFile.toString(),
                "--rpc", ledger.get("rpc_url").asText(), "--ledger", ledger.get("audit_ledger").asText())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Object[] {p.exitValue(), out};
    }
}
