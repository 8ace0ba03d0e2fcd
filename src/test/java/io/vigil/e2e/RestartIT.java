package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** kill -9 mid-stream and start again: no valid log lost or duplicated, no replay accepted. */
class RestartIT {

    private static final int DEVICES = 25;
    private static final int PER_DEVICE = 80;
    private static final int RATE_PER_SECOND = 250;

    @Test
    void killed_mid_stream_and_restarted_loses_nothing_duplicates_nothing_and_accepts_no_replay() throws Exception {
        Path dir = Files.createTempDirectory("vigil-restart-it-");
        long now = System.currentTimeMillis();
        try (Mosquitto broker = new Mosquitto(dir.resolve("mosquitto"));
                VigilProcess app = new VigilProcess(dir.resolve("data"))) {
            app.with("VIGIL_MQTT_URL", broker.url()).with("VIGIL_BATCH_SIZE", "20").with("VIGIL_BATCH_TIMEOUT_MS", "300")
                    .start();
            Api api = app.api();
            for (int d = 0; d < DEVICES; d++) {
                assertThat(api.post("/api/v1/devices", PipelineContract.ADMIN, PipelineContract.provision(device(d)))
                        .status()).isEqualTo(201);
            }
            AtomicReference<Throwable> publisherError = new AtomicReference<>();
            java.util.Map<String, String> lastPackets = new java.util.concurrent.ConcurrentHashMap<>();
            Thread publisher = new Thread(() -> {
                try (Devices devices = new Devices(broker.url(), "iot/logs")) {
                    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE_PER_SECOND;
                    long next = System.nanoTime();
                    for (int i = 0; i < PER_DEVICE; i++) {
                        for (int d = 0; d < DEVICES; d++) {
                            // Each device samples at 10/s in its own clock, whatever the publisher's stalls and
                            // catch-up bursts (a stalled publisher must not look like a flooding device).
                            String packet = Devices.signed(device(d), i, now + i * 100L, 20 + d);
                            devices.publish(packet);
                            lastPackets.put(device(d), packet);
                            next += intervalNanos;
                            LockSupport.parkNanos(next - System.nanoTime());
                        }
                    }
                } catch (Throwable e) {
                    publisherError.set(e);
                }
            }, "it-publisher");
            publisher.start();

            await().atMost(Duration.ofSeconds(60)).until(() -> api.viewer("/api/v1/stats").get("stored").asLong() >= 400);
            app.kill();
            app.start();
            publisher.join(120_000);
            assertThat(publisherError.get()).isNull();

            try (Devices devices = new Devices(broker.url(), "iot/logs")) {
                for (int d = 0; d < 5; d++) {
                    devices.publish(lastPackets.get(device(d))); // the same bytes again: a duplicate
                }
                devices.publish(Devices.signed(device(0), 0, now, 20)); // below the window after the restart: replay
            }
            Api restarted = app.api();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                JsonNode stats = restarted.viewer("/api/v1/stats");
                assertThat(stats.get("stored").asLong()).isEqualTo(DEVICES * PER_DEVICE);
                assertThat(stats.get("security_events").get("replay").asLong()).isEqualTo(1);
            });
            for (int d = 0; d < DEVICES; d++) {
                JsonNode logs = restarted.items("/api/v1/logs?device_id=" + device(d) + "&limit=1000");
                Set<Long> sequences = new HashSet<>();
                logs.forEach(l -> sequences.add(l.get("sequence_no").asLong()));
                assertThat(logs.size()).as(device(d)).isEqualTo(PER_DEVICE);
                assertThat(sequences).as(device(d)).hasSize(PER_DEVICE);
            }
            assertThat(restarted.viewer("/api/v1/stats").get("duplicates").asLong()).isGreaterThanOrEqualTo(5);
            for (JsonNode batch : restarted.items("/api/v1/batches?limit=1000")) {
                JsonNode verify = restarted.viewer("/api/v1/batches/" + batch.get("batch_id").asText() + "/verify");
                assertThat(verify.get("recomputed_hash").asText()).isEqualTo(batch.get("batch_hash").asText());
            }
        }
    }

    private static String device(int d) {
        return String.format("it-restart-%02d", d);
    }
}
