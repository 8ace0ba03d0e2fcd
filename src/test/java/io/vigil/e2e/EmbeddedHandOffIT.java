package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker hands packets to the gateway in process, and a PUBACK goes to the device only once the gateway
 * committed the packet: Vigil killed (-9) the moment the last PUBACK arrived, then started again, has stored every
 * acknowledged packet once. Devices on their own login (the PUBLISH is held) and on the fleet login (the PUBACK is
 * held) both.
 */
class EmbeddedHandOffIT {

    private static final int OWN = 3;
    private static final int FLEET = 2;
    private static final int PER_DEVICE = 30;

    @Test
    void every_packet_acknowledged_before_a_kill_9_is_stored_once_after_the_restart() throws Exception {
        long now = System.currentTimeMillis();
        try (VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-handoff-it-"))
                .with("VIGIL_LEDGER_ENABLED", "false").with("VIGIL_ML_ENABLED", "false")
                .with("VIGIL_BATCH_SIZE", "20").with("VIGIL_BATCH_TIMEOUT_MS", "300").start()) {
            Api api = app.api();
            for (int d = 0; d < OWN + FLEET; d++) {
                assertThat(api.post("/api/v1/devices", PipelineContract.ADMIN, PipelineContract.provision(device(d)))
                        .status()).isEqualTo(201);
            }
            Devices[] own = new Devices[OWN];
            for (int d = 0; d < OWN; d++) {
                own[d] = new Devices(app.mqttUrl(), "iot/logs", null, Devices.deviceLogin(device(d)));
            }
            Devices fleet = Devices.fleet(app, "iot/logs");
            // Each publish returns at its PUBACK; the last one's PUBACK is followed at once by kill -9.
            for (int i = 0; i < PER_DEVICE; i++) {
                for (int d = 0; d < OWN + FLEET; d++) {
                    String packet = Devices.signed(device(d), i, now + i * 100L, 20 + d);
                    (d < OWN ? own[d] : fleet).publish(packet);
                }
            }
            app.kill();
            app.start();

            Api restarted = app.api();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(restarted.viewer("/api/v1/stats").get("stored").asLong())
                            .isEqualTo((long) (OWN + FLEET) * PER_DEVICE));
            for (int d = 0; d < OWN + FLEET; d++) {
                JsonNode logs = restarted.items("/api/v1/logs?device_id=" + device(d) + "&limit=1000");
                Set<Long> sequences = new HashSet<>();
                logs.forEach(l -> sequences.add(l.get("sequence_no").asLong()));
                assertThat(logs.size()).as(device(d)).isEqualTo(PER_DEVICE);
                assertThat(sequences).as(device(d)).hasSize(PER_DEVICE);
            }
            assertThat(restarted.viewer("/api/v1/stats").get("security_events").get("replay").asLong()).isZero();
            for (Devices d : own) {
                closeQuietly(d);
            }
            closeQuietly(fleet);
        }
    }

    private static void closeQuietly(Devices devices) {
        try {
            devices.close();
        } catch (Exception e) {
            // reconnecting to the restarted broker, or gone with the killed one: either way, done with it
        }
    }

    private static String device(int d) {
        return String.format("it-handoff-%02d", d);
    }
}
