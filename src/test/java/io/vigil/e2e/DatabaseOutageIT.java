package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.testsupport.SignedPackets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The database stops writing under a running Vigil, and comes back: a full disk (the data dir on a small tmpfs,
 * filled to the last byte) and a PostgreSQL restart. While it is away /health answers 503 naming the part, nothing
 * is stored or acknowledged; when it returns ingest resumes by itself, without a restart, and every packet sent
 * meanwhile is stored exactly once.
 */
class DatabaseOutageIT {

    static final String ADMIN = "it-admin-token";

    @Test
    void a_full_disk_is_reported_and_waited_out_and_nothing_sent_meanwhile_is_lost_or_doubled() throws Exception {
        Path mount = Files.createTempDirectory("vigil-diskfull-it-");
        Process mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        Assumptions.assumeTrue(mounted.waitFor(10, TimeUnit.SECONDS) && mounted.exitValue() == 0,
                "needs root to mount a tmpfs: " + new String(mounted.getInputStream().readAllBytes()));
        Path filler = mount.resolve("filler");
        // The database on the small file system (the broker's RocksDB preallocates hundreds of MiB, so the rest of
        // the data dir stays on the ordinary disk).
        String h2 = "jdbc:h2:file:" + mount.resolve("db").resolve("vigil")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
        try (VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-diskfull-data-"))
                .with("VIGIL_DB_URL", h2).with("VIGIL_LEDGER_ENABLED", "false")
                .with("VIGIL_ML_ENABLED", "false").with("VIGIL_BATCH_SIZE", "5").with("VIGIL_BATCH_TIMEOUT_MS", "300")
                .start();
                Devices devices = Devices.fleet(app, "iot/logs")) {
            Api api = app.api();
            String device = "it-diskfull-01";
            firstTenStored(api, devices, device);

            fill(filler);
            JsonNode health = awaitHealth(api, 503);
            assertThat(health.get("parts").get("disk").get("status").asText()).isEqualTo("down");
            assertThat(health.get("parts").get("disk").get("error").asText()).contains("disk full");
            assertThat(health.get("parts").get("database").get("status").asText()).isEqualTo("down");
            assertThat(health.get("parts").get("database").get("error").asText()).startsWith("cannot write");

            long later = System.currentTimeMillis() + 1000; // ten a second, within the device's rate
            // Half through the fleet's login, half through the device's own (the embedded broker holds a PUBACK for
            // the one and a PUBLISH for the other until the commit, and gives both to its queue in an outage).
            try (Devices own = new Devices(app.mqttUrl(), "iot/logs", null, Devices.deviceLogin(device))) {
                for (int i = 10; i < 40; i++) {
                    (i % 2 == 0 ? devices : own).publish(SignedPackets.signed(device, i, later + (i - 10) * 100L, 21));
                }
            }
            // The embedded broker took them into its queue for the gateway's session, and says so.
            assertThat(Files.readString(app.dataDir.resolve("vigil-1.log")))
                    .contains("embedded broker: device packets on iot/logs go to the gateway in process")
                    .contains("went to the broker's queue for the gateway's session");
            // Nothing can be stored while the disk is full (the API may not even read: -1), nor is anything given up.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> List.of(10L, -1L).contains(storedOrUnknown(api)));

            Files.delete(filler);
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(api.healthStatus()).isEqualTo(200);
                assertThat(stored(api)).isEqualTo(40);
            });
            assertThat(sequences(api, device)).hasSize(40).doesNotHaveDuplicates();
        } finally {
            Files.deleteIfExists(filler);
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_postgresql_restart_is_reported_and_waited_out_and_nothing_sent_meanwhile_is_lost_or_doubled()
            throws Exception {
        String cluster = postgresCluster();
        Assumptions.assumeTrue(cluster != null, "needs the machine's PostgreSQL cluster (pg_ctlcluster)");
        String schema = "vigil_outage_" + Long.toString(System.nanoTime(), 36);
        boolean stopped = false;
        try (VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-pg-outage-it-"))
                .with("VIGIL_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema)
                .with("VIGIL_DB_USER", "postgres").with("VIGIL_LEDGER_ENABLED", "false").with("VIGIL_ML_ENABLED", "false")
                .with("VIGIL_BATCH_SIZE", "5").with("VIGIL_BATCH_TIMEOUT_MS", "300").start();
                Devices devices = Devices.fleet(app, "iot/logs")) {
            Api api = app.api();
            String device = "it-pgoutage-01";
            firstTenStored(api, devices, device);

            pgctl(cluster, "stop");
            stopped = true;
            JsonNode health = awaitHealth(api, 503);
            assertThat(health.get("parts").get("database").get("status").asText()).isEqualTo("down");
            long later = System.currentTimeMillis() + 1000; // ten a second, within the device's rate
            for (int i = 10; i < 40; i++) {
                devices.publish(SignedPackets.signed(device, i, later + (i - 10) * 100L, 21));
            }
            assertThat(api.get("/health", null).status()).isEqualTo(503);

            pgctl(cluster, "start");
            stopped = false;
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(api.healthStatus()).isEqualTo(200);
                assertThat(stored(api)).isEqualTo(40);
            });
            assertThat(sequences(api, device)).hasSize(40).doesNotHaveDuplicates();
        } finally {
            if (stopped) {
                pgctl(cluster, "start");
            }
        }
    }

    /** Provisions the device and has ten of its packets stored while all is well. */
    private static void firstTenStored(Api api, Devices devices, String device) throws Exception {
        assertThat(api.post("/api/v1/devices", ADMIN, PipelineContract.provision(device)).status()).isEqualTo(201);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 10; i++) {
            devices.publish(SignedPackets.signed(device, i, now + i * 100L, 20));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(api) == 10);
    }

    private static long stored(Api api) throws Exception {
        return api.viewer("/api/v1/stats").get("stored").asLong();
    }

    private static long storedOrUnknown(Api api) throws Exception {
        Api.Answer a = api.get("/api/v1/stats", "it-viewer-token");
        return a.status() == 200 ? a.json().get("stored").asLong() : -1;
    }

    private static List<Long> sequences(Api api, String device) throws Exception {
        List<Long> seqs = new ArrayList<>();
        api.items("/api/v1/logs?device_id=" + device + "&limit=1000").forEach(l -> seqs.add(l.get("sequence_no").asLong()));
        return seqs;
    }

    private static JsonNode awaitHealth(Api api, int status) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Api.Answer a = api.get("/health", null);
            seen[0] = a.json();
            return a.status() == status;
        });
        return seen[0];
    }

    /** Fills the file system to its last byte. */
    private static void fill(Path filler) {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
    }

    private static String postgresCluster() throws IOException {
        Path etc = Path.of("/etc/postgresql");
        if (!Files.isDirectory(etc) || !Files.isExecutable(Path.of("/usr/bin/pg_ctlcluster"))) {
            return null;
        }
        try (var versions = Files.list(etc)) {
            return versions.map(p -> p.getFileName().toString()).sorted().findFirst().orElse(null);
        }
    }

    private static void pgctl(String version, String action) throws Exception {
        Process p = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("pg_ctlcluster " + action + ": " + out).isZero();
    }
}
