package io.vigil.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.boot.Ports;
import io.vigil.boot.VigilApp;
import io.vigil.boot.VigilConfig;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.db.Tx;
import io.vigil.processors.DeviceRegistry;
import io.vigil.testsupport.SignedPackets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway routes in process with the real embedded broker and H2: what each stage leaves in the
 * database once the ingest route has committed them (polled, no sleeping).
 */
class GatewayRoutesTest {

    /**
     * The gateway's sealed batches, whether still in its outbox or already delivered to the server (the forward
     * timer's first tick may come after the packets on a slow machine, and a delivered batch leaves the outbox).
     */
    private static final String BATCHES = "(select batch_id, log_count from gateway_outbox"
            + " union select batch_id, log_count from batches where gateway_id = 'gw-route-test') as sealed";

    @TempDir
    Path dataDir;
    private VigilApp app;

    @BeforeEach
    void start() {
        int mqttPort = Ports.free();
        app = new VigilApp(VigilConfig.load(Map.of(), Map.of(
                "vigil.data.dir", dataDir.toString(),
                "vigil.http.port", String.valueOf(Ports.free()),
                "vigil.mqtt.port", String.valueOf(mqttPort),
                "vigil.simulator.devices", "0",
                "vigil.batch.size", "2",
                "vigil.batch.timeout.ms", "200",
                // At most 3 unacknowledged messages towards the gateway: six get through only if each group's
                // commit acks its members.
                "vigil.mqtt.receive-maximum", "3",
                "vigil.gateway.id", "gw-route-test",
                "vigil.forward.poll-ms", "600000",
                // The gateway stages are under test; the ledger has tests of its own.
                "vigil.ledger.enabled", "false"))).start();
        app.camelContext().getRegistry().lookupByNameAndType("deviceRegistry", DeviceRegistry.class)
                .provision("route-dev-01", Ed25519.encode(Ed25519.demoKey("route-dev-01").generatePublicKey()),
                        System.currentTimeMillis());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private static String signed(long seq, double temperature) {
        return SignedPackets.signed("route-dev-01", seq, System.currentTimeMillis(), temperature);
    }

    private long count(String sql) {
        return Tx.read(app.dataSource(), c -> ((Number) Tx.rows(c, sql).get(0).get("n")).longValue());
    }

    @Test
    void ingest_stages_commit_seal_and_quarantine_as_each_packet_deserves() throws Exception {
        String first = signed(1, 20.0);
        try (var stop = new Publisher(app.config().get("vigil.mqtt.effective-url"))) {
            stop.publish(first);
            stop.publish(signed(2, 20.5));
            stop.publish(signed(3, 21.0));
            stop.publish(first);                                             // transport duplicate
            stop.publish(signed(2, 99.0));                                   // replay: seq 2, other bytes
            stop.publish(first.replace("\"cpu_usage\":12.5", "\"cpu_usage\":13.0")); // bad signature
        }
        // Three accepted, sealed by their group commits into batches of at most 2; the replay and the bad signature
        // are security events.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                count("select count(*) as n from security_events") == 2
                        && count("select coalesce(sum(log_count), 0) as n from " + BATCHES) == 3);
        assertThat(count("select count(*) as n from " + BATCHES)).isGreaterThanOrEqualTo(2);
        assertThat(count("select max(log_count) as n from " + BATCHES)).isLessThanOrEqualTo(2);
        assertThat(count("select count(*) as n from replay_seen where device_id = 'route-dev-01'")).isEqualTo(3);
        assertThat(count("select high_seq as n from replay_window where device_id = 'route-dev-01'")).isEqualTo(3);
        List<Map<String, Object>> events = Tx.read(app.dataSource(),
                c -> Tx.rows(c, "select kind, sequence_no, payload, gateway_id, observed_at from security_events order by id"));
        assertThat(events).extracting(e -> e.get("kind")).containsExactlyInAnyOrder("replay", "bad_signature");
        // Quarantined at rest sealed with the data key (generated into the data dir), readable with it.
        io.vigil.crypto.FieldCipher cipher = new io.vigil.crypto.FieldCipher(java.util.Base64.getUrlDecoder()
                .decode(java.nio.file.Files.readString(dataDir.resolve("keys").resolve("data-key")).trim()));
        assertThat(events).allSatisfy(e -> {
            String sealed = (String) e.get("payload");
            assertThat(sealed).startsWith("v1:").doesNotContain("route-dev-01");
            assertThat(cipher.decrypt(sealed, io.vigil.processors.SecurityEventRecorder.associatedData(
                    (String) e.get("gateway_id"), ((Number) e.get("observed_at")).longValue(), (String) e.get("kind"))))
                    .startsWith("{\"device_id\":\"route-dev-01\"");
        });
    }

    @Test
    void a_packet_the_broker_queue_took_over_from_a_hung_commit_is_one_security_event() throws Exception {
        java.util.concurrent.atomic.AtomicInteger quarantined = new java.util.concurrent.atomic.AtomicInteger();
        app.camelContext().getManagementStrategy().addEventNotifier(new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeSentEvent sent
                        && sent.getEndpoint().getEndpointUri().startsWith("direct://quarantine")) {
                    quarantined.incrementAndGet();
                }
            }
        });
        try (var device = new Publisher(app.config().get("vigil.mqtt.effective-url"))) {
            device.publish(signed(1, 20.0)); // each publish returns with its PUBACK, after the commit that holds it
            device.publish(signed(2, 20.5));
            try (java.sql.Connection hang = app.dataSource().getConnection()) {
                // The database stops answering the gateway: another transaction holds the device's window row.
                hang.setAutoCommit(false);
                try (var statement = hang.createStatement()) {
                    statement.execute("set default_lock_timeout 60000");
                    statement.executeQuery("select high_seq from replay_window where device_id = 'route-dev-01' for update")
                            .close();
                }
                // The replay's commit hangs; after the stall time the embedded broker queues the packet for the
                // gateway's session and acknowledges it from there, so this publish returns while the row is held.
                device.publish(signed(2, 99.0));
                hang.rollback();
            }
        }
        // Both ways in refuse the replay (the in-process commit, once the row is free, and the copy from the queue);
        // only one of them records it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> quarantined.get() >= 2);
        List<Map<String, Object>> events = Tx.read(app.dataSource(),
                c -> Tx.rows(c, "select kind, sequence_no from security_events order by id"));
        assertThat(events).extracting(e -> e.get("kind")).containsExactly("replay");
        assertThat(count("select count(*) as n from replay_seen where device_id = 'route-dev-01'")).isEqualTo(2);
    }

    /** A plain MQTT 5 publisher. */
    private static final class Publisher implements AutoCloseable {
        private final MqttClient client;

        Publisher(String url) throws Exception {
            client = new MqttClient(url, "route-test-" + System.nanoTime(), new MemoryPersistence());
            // Logged in as the device itself (PROTOCOL v1.1 §1a), with a password signed by its own key.
            org.eclipse.paho.mqttv5.client.MqttConnectionOptions options =
                    new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            options.setUserName("route-dev-01");
            options.setPassword(io.vigil.crypto.MqttCredential.password(Ed25519.demoKey("route-dev-01"), "route-dev-01",
                    System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
            client.connect(options);
        }

        void publish(String payload) throws Exception {
            MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            client.publish("iot/logs", message);
        }

        @Override
        public void close() throws Exception {
            client.disconnect();
            client.close();
        }
    }
}
