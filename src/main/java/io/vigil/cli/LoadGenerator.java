package io.vigil.cli;

import io.vigil.sim.Fleet;
import io.vigil.sim.MqttLogin;
import io.vigil.sim.SimDevice;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.crypto.MqttCredential;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * {@code vigil loadgen}: provisions many devices, signs their packets ahead, publishes them at full speed
 * (QoS 1) and waits until the server has stored them all; prints accepted msg/s end to end and the
 * publish-to-stored latency p50/p99 read back from the REST API.
 */
public final class LoadGenerator {

    private static final String USAGE = """
            usage: vigil loadgen --api https://localhost:8080 --cacert data/tls/ca.pem --admin-token T --viewer-token T
                                 [--broker tcp://127.0.0.1:1883] [--devices 1000] [--messages 50000]
                                 [--connections 4 | --per-device] [--inflight 2000] [--rate 0] [--timeout-s 300]
                                 [--data-dir data] [--timeline] [--server-pid PID]
              --per-device  one connection per device, logged in as the device (PROTOCOL v1.1 §1a), not --connections
              --publisher P  publish with P, the libmosquitto program of scripts/mqtt-pub.c: one connection per device,
                             or --connections N sharing the fleet login
              --timeline    also print latency by the second each packet was published in
              --server-pid PID  also print the server's CPU time from first publish to last stored (Linux /proc)
              --data-dir D  publish as vigil:fleet with D/mqtt-credentials.properties (default ./data when it has one);
                            else VIGIL_MQTT_USERNAME / VIGIL_MQTT_PASSWORD from the environment
              --rate N   publish at N msg/s (0: as fast as the broker takes them); latency is meaningful below saturation
              --payloads-out F  also write the signed payloads to F, one per line (for a raw pub/sub comparison)
            """;

    private LoadGenerator() {
    }

    public static int main(String[] argv) throws Exception {
        Args args = new Args(argv);
        if (args.has("help") || !args.has("api")) {
            System.out.print(USAGE);
            return args.has("help") ? 0 : 2;
        }
        String api = args.get("api", "") + "/api/v1";
        int deviceCount = (int) args.getLong("devices", 1000);
        int messages = (int) args.getLong("messages", 50_000);
        HttpClient http = HttpClient.newBuilder().sslContext(trusting(Path.of(args.get("cacert", "data/tls/ca.pem"))))
                .connectTimeout(Duration.ofSeconds(10)).build();
        String admin = "Bearer " + args.get("admin-token", "");
        String viewer = "Bearer " + args.get("viewer-token", "");

        String prefix = "load" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<SimDevice> devices = Fleet.devices(prefix, deviceCount, 1, 11);
        long t0 = System.nanoTime();
        for (SimDevice device : devices) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/devices"))
                    .header("Authorization", admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"device_id\":\"" + device.id() + "\",\"public_key\":\""
                            + device.publicKey() + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                System.err.println("provisioning " + device.id() + " failed: " + r.statusCode() + " " + r.body());
                return 1;
            }
        }
        System.out.printf("provisioned %d devices in %.1f s%n", deviceCount, (System.nanoTime() - t0) / 1e9);

        t0 = System.nanoTime();
        byte[][] payloads = new byte[messages][];
        String[] keys = new String[messages];
        long signedAt = System.currentTimeMillis();
        for (int i = 0; i < messages; i++) {
            SimDevice device = devices.get(i % deviceCount);
            keys[i] = device.id() + "/" + device.nextSequence();
            // A device's packets 60 ms apart in its own clock (~16/s, under the 20/s rate limit).
            long deviceTime = signedAt + (i / deviceCount) * 60L;
            payloads[i] = device.telemetry(deviceTime).getBytes(StandardCharsets.UTF_8);
        }
        System.out.printf("signed %d packets ahead in %.1f s%n", messages, (System.nanoTime() - t0) / 1e9);
        if (args.has("payloads-out")) {
            // The same payloads, one per line, for a raw broker pub/sub run beside this one (scripts/benchmark.sh).
            try (var out = Files.newBufferedWriter(Path.of(args.get("payloads-out", "")))) {
                for (byte[] payload : payloads) {
                    out.write(new String(payload, StandardCharsets.UTF_8));
                    out.write('\n');
                }
            }
        }

        long baseline = stored(http, api, viewer);
        long serverPid = args.getLong("server-pid", 0);
        double cpuBefore = cpuSeconds(serverPid);
        Map<String, Long> publishedAt = new ConcurrentHashMap<>(messages * 2);
        long rate = args.getLong("rate", 0);
        long publishStart = args.has("publisher")
                ? publishWithLibmosquitto(args, devices, keys, payloads, rate, publishedAt)
                : publishWithPaho(args, devices, prefix, keys, payloads, rate, publishedAt);
        long publishEnd = System.currentTimeMillis();
        System.out.printf("published %d packets in %.2f s (%.0f msg/s offered)%n", messages,
                (publishEnd - publishStart) / 1e3, messages * 1000.0 / Math.max(1, publishEnd - publishStart));

        long deadline = System.currentTimeMillis() + args.getLong("timeout-s", 300) * 1000;
        long storedNow = baseline;
        long lastProgress = System.currentTimeMillis();
        double cpuAtLast = cpuBefore;
        while (storedNow - baseline < messages && System.currentTimeMillis() < deadline
                && System.currentTimeMillis() - lastProgress < 30_000) {
            Thread.sleep(200);
            long s = stored(http, api, viewer);
            if (s != storedNow) {
                lastProgress = System.currentTimeMillis();
                cpuAtLast = cpuSeconds(serverPid);
            }
            storedNow = s;
        }
        long doneAt = lastProgress;
        long storedCount = storedNow - baseline;

        List<Long> latencies = new ArrayList<>(messages);
        List<Long> latencySent = new ArrayList<>(messages);
        List<String> latencyBatch = new ArrayList<>(messages);
        for (SimDevice device : devices) {
            // Every stored log of the device, page by page (PROTOCOL v1.1 §6).
            String cursor = null;
            do {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(api + "/logs?device_id="
                        + device.id() + "&limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)))
                        .header("Authorization", viewer).build(), HttpResponse.BodyHandlers.ofInputStream());
                JsonNode page = CanonicalJson.STRICT.readTree(r.body());
                for (JsonNode log : page.path("items")) {
                    Long sent = publishedAt.get(log.get("device_id").asText() + "/" + log.get("sequence_no").asLong());
                    if (sent != null) {
                        latencies.add(log.get("stored_at").asLong() - sent);
                        latencySent.add(sent);
                        latencyBatch.add(log.path("batch_id").asText());
                    }
                }
                cursor = page.path("next_cursor").isTextual() ? page.get("next_cursor").asText() : null;
            } while (cursor != null);
        }
        if (args.has("timeline")) {
            // Latency by the second the packet was published in: where a tail comes from (start-up, a stall).
            System.out.printf("latency by second of publishing, from %s:%n", java.time.Instant.ofEpochMilli(publishStart));
            java.util.TreeMap<Long, List<Long>> bySecond = new java.util.TreeMap<>();
            for (int i = 0; i < latencySent.size(); i++) {
                bySecond.computeIfAbsent((latencySent.get(i) - publishStart) / 1000, k -> new ArrayList<>()).add(latencies.get(i));
            }
            // Where the time went: publish to sealed into a batch (broker, validation, the group commit), and sealed to
            // stored (the outbox, the hand-off, the server's store; a batch's received_at is its stored_at).
            Map<String, long[]> batches = batchTimes(http, api, viewer);
            java.util.TreeMap<Long, List<long[]>> stages = new java.util.TreeMap<>();
            for (int i = 0; i < latencySent.size(); i++) {
                long[] b = batches.get(latencyBatch.get(i));
                if (b != null) {
                    long sent = latencySent.get(i);
                    stages.computeIfAbsent((sent - publishStart) / 1000, k -> new ArrayList<>())
                            .add(new long[] {b[0] - sent, sent + latencies.get(i) - b[0]});
                }
            }
            bySecond.forEach((second, values) -> {
                long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
                List<long[]> st = stages.getOrDefault(second, List.of());
                System.out.printf("  second %3d: %5d packets, p50 %5d ms, p99 %5d ms, max %5d ms;"
                        + " p99 publish to sealed %5d ms, sealed to stored %5d ms%n", second, v.length,
                        percentile(v, 50), percentile(v, 99), v[v.length - 1], stagePercentile(st, 0, 99),
                        stagePercentile(st, 1, 99));
            });
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("stored %d of %d (%s)%n", storedCount, messages, storedCount == messages ? "none lost" : "MISSING "
                + (messages - storedCount));
        System.out.printf("end-to-end accepted throughput: %.0f msg/s (first publish to last stored, %.2f s)%n",
                storedCount * 1000.0 / Math.max(1, doneAt - publishStart), (doneAt - publishStart) / 1e3);
        if (sorted.length > 0) {
            System.out.printf("publish->stored latency: p50 %d ms, p99 %d ms, max %d ms (%d samples)%n",
                    percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1], sorted.length);
        }
        if (serverPid > 0 && cpuBefore >= 0 && storedCount > 0) {
            double cpu = cpuAtLast - cpuBefore;
            System.out.printf("server CPU from first publish to last stored: %.1f s, %.0f us a packet (%.2f cores)%n", cpu,
                    cpu * 1e6 / storedCount, cpu * 1000 / Math.max(1, doneAt - publishStart));
        }
        JsonNode stats = stats(http, api, viewer);
        System.out.printf("server: %d batches (%d anchored so far), %d logs labelled anomalous, %d ML alerts%n",
                stats.path("batches").asLong(), stats.path("anchored").asLong(), stats.path("ml_anomalous_logs").asLong(),
                stats.path("ml_alerts").asLong());
        System.out.printf("server heap after the run: %.0f MiB used%n", heapUsedMiB(http, args.get("api", ""), viewer));
        return storedCount == messages ? 0 : 1;
    }

    /** Publishes over Paho: --connections N sharing the fleet login, or --per-device. Returns when all are acked. */
    private static long publishWithPaho(Args args, List<SimDevice> devices, String prefix, String[] keys,
            byte[][] payloads, long rate, Map<String, Long> publishedAt) throws Exception {
        int messages = payloads.length;
        boolean perDevice = args.has("per-device");
        int connections = perDevice ? devices.size() : (int) args.getLong("connections", 4);
        List<MqttAsyncClient> clients = new ArrayList<>();
        List<IMqttToken> connecting = new ArrayList<>();
        int serverReceiveMaximum = 65535;
        MqttLogin login = MqttLogin.of(args.has("data-dir") ? args.get("data-dir", "data") : null);
        for (int c = 0; c < connections; c++) {
            MqttAsyncClient client = new MqttAsyncClient(args.get("broker", "tcp://127.0.0.1:1883"), prefix + "-pub-" + c,
                    new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            options.setReceiveMaximum(65535);
            if (perDevice) {
                // The device's own login (PROTOCOL v1.1 §1a): its id and a credential signed with its key.
                String id = devices.get(c).id();
                new MqttLogin(id, MqttCredential.password(Ed25519.demoKey(id), id, System.currentTimeMillis()))
                        .apply(options);
            } else {
                login.apply(options);
            }
            // All connects at once: Paho spends ~300 ms of sleeps in each one, which adds up at 1,000 devices.
            connecting.add(client.connect(options));
            clients.add(client);
        }
        for (IMqttToken connected : connecting) {
            connected.waitForCompletion(60_000);
            Integer granted = connected.getResponseProperties() == null ? null
                    : connected.getResponseProperties().getReceiveMaximum();
            if (granted != null) {
                serverReceiveMaximum = Math.min(serverReceiveMaximum, granted);
            }
        }
        // In flight per connection: the requested share, but never more than the broker grants (Mosquitto: 20).
        int perConnection = Math.max(1, Math.min((int) args.getLong("inflight", 2000) / connections, serverReceiveMaximum));
        Semaphore[] windows = new Semaphore[connections];
        for (int c = 0; c < connections; c++) {
            windows[c] = new Semaphore(perConnection);
        }
        java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
        MqttActionListener[] release = new MqttActionListener[connections];
        for (int c = 0; c < connections; c++) {
            Semaphore window = windows[c];
            release[c] = new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    failures.incrementAndGet();
                    window.release();
                }
            };
        }
        long publishStart = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            if (rate > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(startNanos + i * 1_000_000_000L / rate - System.nanoTime());
            }
            int c = i % connections;
            windows[c].acquire();
            MqttMessage message = new MqttMessage(payloads[i]);
            message.setQos(1);
            publishedAt.put(keys[i], System.currentTimeMillis());
            clients.get(c).publish("iot/logs", message, null, release[c]);
        }
        for (int c = 0; c < connections; c++) {
            windows[c].acquire(perConnection);
        }
        if (failures.get() > 0) {
            System.out.println("publish failures: " + failures.get());
        }
        List<IMqttToken> disconnecting = new ArrayList<>();
        for (MqttAsyncClient client : clients) {
            disconnecting.add(client.disconnect());
        }
        for (int c = 0; c < clients.size(); c++) {
            disconnecting.get(c).waitForCompletion(5000);
            clients.get(c).close();
        }
        return publishStart;
    }

    /**
     * Publishes through {@code --publisher}, the libmosquitto program of scripts/mqtt-pub.c, one thread: one connection
     * per device, each logged in as its device, or {@code --connections N} sharing the fleet login. Returns the first
     * publish's wall-clock ms.
     */
    private static long publishWithLibmosquitto(Args args, List<SimDevice> devices, String[] keys, byte[][] payloads,
            long rate, Map<String, Long> publishedAt) throws Exception {
        URI broker = URI.create(args.get("broker", "tcp://127.0.0.1:1883"));
        Path lines = Files.createTempFile("vigil-loadgen", ".txt");
        Path sent = Files.createTempFile("vigil-loadgen", ".sent");
        try {
            long now = System.currentTimeMillis();
            boolean perDevice = !args.has("connections");
            int connections = (int) args.getLong("connections", 8);
            MqttLogin shared = perDevice ? null
                    : MqttLogin.of(args.has("data-dir") ? args.get("data-dir", "data") : null);
            Map<String, String> passwords = new java.util.HashMap<>();
            if (perDevice) {
                for (SimDevice device : devices) {
                    passwords.put(device.id(), MqttCredential.password(Ed25519.demoKey(device.id()), device.id(), now));
                }
            }
            // key, username, password, payload: a connection per device logged in as the device, or --connections N
            // sharing the fleet login (Files.createTempFile makes the file owner-only).
            try (var out = Files.newBufferedWriter(lines)) {
                for (int i = 0; i < payloads.length; i++) {
                    String id = devices.get(i % devices.size()).id();
                    String login = perDevice ? id + "\t" + id + "\t" + passwords.get(id)
                            : "c" + (i % connections) + "\t" + (shared.username() == null ? "" : shared.username())
                                    + "\t" + (shared.password() == null ? "" : shared.password());
                    out.write(login + "\t" + new String(payloads[i], StandardCharsets.UTF_8) + "\n");
                }
            }
            Process p = new ProcessBuilder(args.get("publisher", ""), broker.getHost(), String.valueOf(broker.getPort()),
                    String.valueOf(rate), sent.toString()).redirectInput(lines.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(args.get("publisher", "") + " failed (exit " + p.exitValue() + ")");
            }
            List<String> times = Files.readAllLines(sent);
            long first = Long.MAX_VALUE;
            for (int i = 0; i < keys.length; i++) {
                long t = Long.parseLong(times.get(i).trim());
                publishedAt.put(keys[i], t);
                first = Math.min(first, t);
            }
            return first;
        } finally {
            Files.deleteIfExists(lines);
            Files.deleteIfExists(sent);
        }
    }

    /** User and system CPU seconds of a process so far (Linux /proc, clock ticks of 1/100 s); -1 when unknown. */
    private static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long stagePercentile(List<long[]> rows, int stage, int p) {
        if (rows.isEmpty()) {
            return -1;
        }
        return percentile(rows.stream().mapToLong(r -> r[stage]).sorted().toArray(), p);
    }

    /** Every batch's created_at (sealed at the gateway) by id, page by page. */
    private static Map<String, long[]> batchTimes(HttpClient http, String api, String viewer) throws Exception {
        Map<String, long[]> out = new java.util.HashMap<>();
        String cursor = null;
        do {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(api + "/batches?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor))).header("Authorization", viewer).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            JsonNode page = CanonicalJson.STRICT.readTree(r.body());
            for (JsonNode b : page.path("items")) {
                out.put(b.path("batch_id").asText(), new long[] {b.path("created_at").asLong()});
            }
            cursor = page.path("next_cursor").isTextual() ? page.get("next_cursor").asText() : null;
        } while (cursor != null);
        return out;
    }

    /** Sum of jvm_memory_used_bytes{area="heap"} from the server's Prometheus endpoint. */
    private static double heapUsedMiB(HttpClient http, String base, String viewer) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(base + "/observe/metrics")).header("Authorization", viewer).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double bytes = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return bytes / (1024 * 1024);
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static long stored(HttpClient http, String api, String viewer) throws Exception {
        return stats(http, api, viewer).get("stored").asLong();
    }

    /** The server's GET /stats. */
    private static JsonNode stats(HttpClient http, String api, String viewer) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/stats"))
                .header("Authorization", viewer).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /stats answered " + r.statusCode() + ": " + r.body());
        }
        return CanonicalJson.STRICT.readTree(r.body());
    }

    /** An SSL context trusting the PEM CA (the dev CA in data/tls/ca.pem, or any other). */
    public static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
