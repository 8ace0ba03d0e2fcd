package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.sim.Attack;
import io.vigil.sim.SimDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The ML stage as a user sees it, on the packaged system with its dev chain: a simulated sensor reporting every
 * 250 ms, with a 95 °C spike and, 65 s later, a five-packet cpu hijack among 400 packets (all validly signed, so only
 * ML can see them). The attack packets, and only they, are anomalous; each attack is one ML alert (an episode: the
 * spike of one packet, the hijack of five), each an on-chain incident that costs no trust; every log carries its
 * verdict; the device's model state survives a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MlIT {

    static final String SENSOR = "it-ml-sensor";
    static final String ADMIN = "it-admin-token";
    static final int NORMAL = 400;
    static final long PERIOD_MS = 250;
    /** incidentCode("ml_anomaly") of the contract's kinds. */
    static final int ML_ANOMALY = 7;

    VigilProcess app;
    Api api;
    Chain chain;
    SimDevice device;
    long start;
    int published;
    final Set<Long> attacks = new TreeSet<>();

    @BeforeAll
    void start() throws Exception {
        Path dataDir = Files.createTempDirectory("vigil-ml-it-");
        app = new VigilProcess(dataDir).with("VIGIL_BATCH_SIZE", "20").with("VIGIL_BATCH_TIMEOUT_MS", "500")
                .with("VIGIL_ML_SAVE_MS", "500").start();
        api = app.api();
        // A device whose local time is early afternoon whenever the test runs: what it checks are the attacks, and
        // the stream should not depend on the hour CI happens to run at (at 04:30 UTC a night-time reading was once
        // labelled anomalous at 0.89: a detection gap the detection issue owns, noted there).
        long now = System.currentTimeMillis();
        device = new SimDevice(SENSOR, 0, 42).localTime(13 * 3_600_000L - Math.floorMod(now, 86_400_000L));
        assertThat(api.post("/api/v1/devices", ADMIN, "{\"device_id\":\"" + SENSOR + "\",\"public_key\":\""
                + device.publicKey() + "\"}").status()).isEqualTo(201);
        JsonNode ledger = api.viewer("/api/v1/ledger");
        chain = new Chain(ledger.get("rpc_url").asText(), ledger.get("audit_ledger").asText(),
                ledger.get("device_trust").asText());
        // 100 s of a device sampling every 250 ms, ending now (its own clock).
        start = System.currentTimeMillis() - NORMAL * PERIOD_MS;
        Random chance = new Random(1);
        try (Devices devices = Devices.fleet(app, "iot/logs")) {
            for (int i = 0; i < NORMAL; i++) {
                long t = start + i * PERIOD_MS;
                // Attacks 65 s apart: two events, so two alerts (anomalies of one device within 60 s are one).
                if (i == 120 || i == 380) {
                    for (String packet : device.mlAttack(i == 120 ? Attack.SENSOR_SPIKE : Attack.CPU_HIJACK, t, chance)) {
                        devices.publish(packet);
                        attacks.add(sequenceOf(packet));
                        published++;
                    }
                    continue;
                }
                devices.publish(device.telemetry(t));
                published++;
            }
        }
        assertThat(attacks).hasSize(6);
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
    void every_log_carries_a_verdict_and_the_attack_packets_alone_are_anomalous() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(api.items("/api/v1/logs?device_id=" + SENSOR + "&limit=1000").size()).isEqualTo(published));
        JsonNode logs = api.items("/api/v1/logs?device_id=" + SENSOR + "&limit=1000");
        Set<Long> anomalous = new TreeSet<>();
        List<JsonNode> falseAlarms = new ArrayList<>();
        for (JsonNode log : logs) {
            assertThat(log.get("label").asText()).isIn("normal", "anomalous");
            assertThat(log.get("score").asDouble()).isBetween(0.0, 1.0);
            assertThat(log.get("model").asText())
                    .matches("(random-forest-v1|isolation-forest-v1)@[0-9a-f]{12}.*|device-baseline/[a-z_]+");
            long seq = log.get("sequence_no").asLong();
            if (log.get("label").asText().equals("anomalous")) {
                anomalous.add(seq);
                if (attacks.contains(seq)) {
                    assertThat(log.get("model").asText()).as("seq %d", seq).matches("(random-forest-v1@|device-baseline/).*");
                    assertThat(log.get("score").asDouble()).as("seq %d", seq).isGreaterThanOrEqualTo(0.8);
                } else {
                    falseAlarms.add(log);
                }
            }
        }
        assertThat(anomalous).containsAll(attacks);
        if (!falseAlarms.isEmpty()) {
            System.out.println("MlIT: normal packets labelled anomalous: " + falseAlarms);
        }
        // A rare normal packet may be labelled anomalous at low confidence (the evaluation measures 0-0.03 % per
        // scenario): by the unsupervised pair, or by a split vote of the forest (0.55 once in CI, on a packet this
        // backdated stream reaches the server 30 s late). Never at the alert level, and more than one in this
        // device's 395 normal packets would be a regression.
        assertThat(falseAlarms).as("normal packets labelled anomalous").hasSizeLessThanOrEqualTo(1)
                .allMatch(l -> l.get("score").asDouble() < 0.8); // the default VIGIL_ML_ALERT_CONFIDENCE
    }

    @Test
    @Order(2)
    void each_attack_is_one_ml_alert_recorded_on_chain_without_costing_trust() throws Exception {
        List<Long> hijack = new ArrayList<>(attacks).subList(1, attacks.size());
        long spikeSeq = attacks.iterator().next();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<Long, Integer> alerted = new TreeMap<>();
            for (JsonNode a : api.items("/api/v1/alerts?device_id=" + SENSOR + "&limit=100")) {
                assertThat(a.get("source").asText()).isEqualTo("ml");
                assertThat(a.get("kind").asText()).isEqualTo("ml_anomaly");
                assertThat(a.get("confidence").asDouble()).isGreaterThanOrEqualTo(0.8);
                assertThat(a.get("model").asText()).matches("(random-forest-v1@|device-baseline/).*");
                assertThat(a.get("detail").asText()).contains("random forest");
                assertThat(a.get("tx_hash").isTextual()).as("recorded on chain").isTrue();
                alerted.put(a.get("sequence_no").asLong(), a.get("count").asInt());
            }
            // The spike is an alert of one packet; the hijack's five packets are one alert (its strongest packet's).
            assertThat(alerted).hasSize(2).containsEntry(spikeSeq, 1);
            assertThat(alerted.keySet()).anyMatch(hijack::contains);
            assertThat(alerted.values()).containsExactlyInAnyOrder(1, 5);
        });
        assertThat(chain.incidentKinds(SENSOR)).hasSize(2).containsOnly(ML_ANOMALY);
        assertThat(chain.trustOf(SENSOR)).as("an ML verdict costs no trust").isEqualTo(100);
        JsonNode spike = null;
        JsonNode hijackAlert = null;
        for (JsonNode a : api.items("/api/v1/alerts?device_id=" + SENSOR + "&limit=100")) {
            if (a.get("detail").asText().contains("temperature 95.0")) {
                spike = a;
            } else {
                hijackAlert = a;
            }
        }
        assertThat(spike).as("the spike's alert names the reading").isNotNull();
        JsonNode episode = api.viewer("/api/v1/alerts/" + hijackAlert.get("id").asText());
        List<Long> events = new ArrayList<>();
        episode.get("events").forEach(e -> events.add(e.get("sequence_no").asLong()));
        assertThat(events).as("the hijack alert lists its packets").containsExactlyElementsOf(hijack);
        JsonNode stats = api.viewer("/api/v1/stats");
        assertThat(stats.get("ml_alerts").asLong()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void health_names_the_models_the_build_made() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(Path.of("target/classes/models/models.json").toFile());
        JsonNode ml = api.get("/health", null).json().get("parts").get("ml");
        assertThat(ml.get("status").asText()).isEqualTo("up");
        for (JsonNode m : manifest.get("models")) {
            String id = m.get("name").asText() + "-v1@" + m.get("sha256").asText().substring(0, 12);
            assertThat(ml.toString()).contains(id);
        }
    }

    @Test
    @Order(4)
    void the_device_s_model_state_survives_a_restart() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.viewer("/api/v1/devices/" + SENSOR)
                .get("ml").get("packets_learned").asInt()).isEqualTo(published));
        assertThat(api.viewer("/api/v1/devices/" + SENSOR).get("ml").get("forest_bytes").asInt()).isPositive();
        app.stop();
        app.start();
        api = app.api();
        int before = published;
        try (Devices devices = Devices.fleet(app, "iot/logs")) {
            long t = start + NORMAL * PERIOD_MS;
            for (int i = 0; i < 30; i++) {
                devices.publish(device.telemetry(t + i * PERIOD_MS));
                published++;
            }
        }
        // The context and forest were restored, not started afresh: learning continues from where it was.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.viewer("/api/v1/devices/" + SENSOR)
                .get("ml").get("packets_learned").asInt()).isEqualTo(before + 30));
        JsonNode logs = api.items("/api/v1/logs?device_id=" + SENSOR + "&limit=30");
        for (JsonNode log : logs) {
            assertThat(log.get("label").asText()).as("after the restart, seq %s", log.get("sequence_no"))
                    .isEqualTo("normal");
        }
    }

    private static long sequenceOf(String packet) {
        Matcher m = Pattern.compile("\"sequence_no\":(\\d+)").matcher(packet);
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
