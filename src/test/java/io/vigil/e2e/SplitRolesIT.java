package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.testsupport.SignedPackets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * VIGIL_ROLE=server and VIGIL_ROLE=gateway as two processes on one PostgreSQL database and an external broker:
 * the gateway forwards over HTTPS to the server's certificate (VIGIL_SERVER_CA), and the server's API shows the result.
 */
class SplitRolesIT {

    @Test
    void a_separate_gateway_forwards_verified_batches_to_a_separate_server_over_validated_https() throws Exception {
        Path dir = Files.createTempDirectory("vigil-split-it-");
        String db = "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=vigil_split_" + Long.toString(System.nanoTime(), 36);
        try (Mosquitto broker = new Mosquitto(dir.resolve("mosquitto"));
                VigilProcess server = new VigilProcess(dir.resolve("server"));
                VigilProcess gateway = new VigilProcess(dir.resolve("gateway"))) {
            server.with("VIGIL_ROLE", "server").with("VIGIL_DB_URL", db).with("VIGIL_DB_USER", "postgres")
                    .with("VIGIL_MQTT_URL", broker.url()).start();
            gateway.with("VIGIL_ROLE", "gateway").with("VIGIL_DB_URL", db).with("VIGIL_DB_USER", "postgres")
                    .with("VIGIL_MQTT_URL", broker.url()).with("VIGIL_GATEWAY_ID", "gw-split")
                    .with("VIGIL_SERVER_URL", "https://localhost:" + server.httpPort)
                    .with("VIGIL_SERVER_CA", server.dataDir.resolve("tls").resolve("ca.pem").toString())
                    .with("VIGIL_BATCH_SIZE", "10").with("VIGIL_BATCH_TIMEOUT_MS", "500")
                    .startWithoutHttp();
            Api api = server.api();
            assertThat(api.post("/api/v1/devices", PipelineContract.ADMIN, PipelineContract.provision("split-dev")).status())
                    .isEqualTo(201);
            long now = System.currentTimeMillis();
            try (Devices devices = new Devices(broker.url(), "iot/logs")) {
                for (int i = 0; i < 45; i++) {
                    devices.publish(SignedPackets.signed("split-dev", i, now + i * 100L, 20));
                }
                devices.publish(SignedPackets.signed("split-dev", 99, now, 20).replace("\"cpu_usage\":12.5", "\"cpu_usage\":13.0"));
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode stats = api.viewer("/api/v1/stats");
                assertThat(stats.get("stored").asLong()).isEqualTo(45);
                assertThat(stats.get("security_events").get("bad_signature").asLong()).isEqualTo(1);
            });
            JsonNode batches = api.items("/api/v1/batches?limit=100");
            assertThat(batches).allSatisfy(b -> assertThat(b.get("gateway_id").asText()).isEqualTo("gw-split"));
            for (JsonNode batch : batches) {
                JsonNode verify = api.viewer("/api/v1/batches/" + batch.get("batch_id").asText() + "/verify");
                assertThat(verify.get("recomputed_hash").asText()).isEqualTo(batch.get("batch_hash").asText());
            }
        }
    }
}
