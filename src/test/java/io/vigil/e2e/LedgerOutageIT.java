package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.boot.Ports;
import io.vigil.ledger.DevChain;
import io.vigil.testsupport.SignedPackets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * An external JSON-RPC node (VIGIL_ETH_URL, writer key from VIGIL_ETH_PRIVATE_KEY) that goes down while devices
 * keep publishing: logs are stored, anchors, incidents and trust deltas wait in the outbox, and once the node
 * is back every batch is anchored, every incident recorded and the trust applied, in order.
 */
class LedgerOutageIT {

    static final String ADMIN = "it-admin-token";
    static final String DEVICE = "it-outage-01";
    static final String ATTACKED = "it-outage-02";

    @Test
    void the_outbox_drains_once_the_ledger_node_is_back() throws Exception {
        Path dataDir = Files.createTempDirectory("vigil-outage-it-");
        Path chainDir = dataDir.resolve("external-chain");
        Path ganache = Path.of("contracts", "node_modules", ".bin", "ganache");
        int port = Ports.free();
        DevChain node = DevChain.start(ganache, chainDir, port, Duration.ofSeconds(60));
        String writerKey = Numeric.toHexStringWithPrefixZeroPadded(node.writer().getEcKeyPair().getPrivateKey(), 64);
        try (VigilProcess app = new VigilProcess(dataDir.resolve("vigil"))
                .with("VIGIL_ETH_URL", node.url()).with("VIGIL_ETH_PRIVATE_KEY", writerKey)
                .with("VIGIL_BATCH_SIZE", "5").with("VIGIL_BATCH_TIMEOUT_MS", "300")
                .with("VIGIL_LEDGER_BACKOFF_MAX_MS", "1000").start();
                Devices devices = Devices.fleet(app, "iot/logs")) {
            Api api = app.api();
            for (String device : new String[] {DEVICE, ATTACKED}) {
                assertThat(api.post("/api/v1/devices", ADMIN, "{\"device_id\":\"" + device + "\",\"public_key\":\""
                        + SignedPackets.publicKey(device) + "\"}").status()).isEqualTo(201);
            }
            JsonNode ledger = api.viewer("/api/v1/ledger");
            long now = System.currentTimeMillis();
            for (int i = 0; i < 10; i++) {
                devices.publish(SignedPackets.signed(DEVICE, i, now + i * 100L, 20));
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode stats = api.viewer("/api/v1/stats");
                assertThat(stats.get("stored").asLong()).isEqualTo(10);
                assertThat(stats.get("anchored").asLong()).isEqualTo(stats.get("batches").asLong());
            });

            node.close(); // the node goes away; devices keep publishing
            for (int i = 10; i < 40; i++) {
                devices.publish(SignedPackets.signed(DEVICE, i, now + i * 100L, 20));
            }
            // Validly signed, its clock an hour ahead: a sanity failure only its key holder can cause (−20, §4).
            devices.publish(SignedPackets.signed(ATTACKED, 1, now + 3_600_000L, 20));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode stats = api.viewer("/api/v1/stats");
                assertThat(stats.get("stored").asLong()).isEqualTo(40);
                assertThat(stats.get("security_events").get("sanity").asLong()).isEqualTo(1);
                JsonNode outbox = api.viewer("/api/v1/ledger").get("outbox");
                assertThat(outbox.get("pending").asLong() + outbox.get("sent").asLong())
                        .as("anchors, the incident and its trust delta wait").isGreaterThanOrEqualTo(8);
            });
            assertThat(api.viewer("/api/v1/stats").get("anchored").asLong())
                    .isLessThan(api.viewer("/api/v1/stats").get("batches").asLong());

            node = DevChain.start(ganache, chainDir, port, Duration.ofSeconds(60)); // back, same chain
            try (Chain chain = new Chain(node.url(), ledger.get("audit_ledger").asText(),
                    ledger.get("device_trust").asText())) {
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    JsonNode stats = api.viewer("/api/v1/stats");
                    assertThat(stats.get("anchored").asLong()).isEqualTo(stats.get("batches").asLong());
                    for (JsonNode batch : api.items("/api/v1/batches?limit=1000")) {
                        assertThat(chain.batchRoot(batch.get("batch_id").asText()))
                                .contains(batch.get("batch_hash").asText());
                    }
                    assertThat(chain.incidentKinds(ATTACKED)).containsExactly(5);
                    assertThat(chain.trustOf(ATTACKED)).isEqualTo(80);
                });
                JsonNode outbox = api.viewer("/api/v1/ledger").get("outbox");
                assertThat(outbox.get("pending").asLong() + outbox.get("sent").asLong()).isZero();
                assertThat(outbox.get("rejected").asLong()).isZero();
            }
        } finally {
            node.close();
        }
    }
}
