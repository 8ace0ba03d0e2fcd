package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.testsupport.SignedPackets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A hostile-input campaign: over a thousand generated bad packets over MQTT and hundreds of bad REST requests,
 * beside a valid stream. Outcome a user would check: the application stays up, every bad packet is exactly
 * one typed security event, no REST answer is a 5xx or non-JSON, and the valid stream is stored complete.
 */
abstract class HostileInputContract {

    private static final String DEVICE = "hostile-ok";
    private static final int VALID = 150;

    abstract void configure(VigilProcess process);

    @Test
    void a_thousand_hostile_inputs_are_each_refused_as_typed_events_and_the_valid_stream_is_complete() throws Exception {
        try (VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-hostile-it-"))) {
            configure(app);
            app.start();
            Api api = app.api();
            assertThat(api.post("/api/v1/devices", PipelineContract.ADMIN, PipelineContract.provision(DEVICE)).status())
                    .isEqualTo(201);
            long now = System.currentTimeMillis();
            List<String> valid = new ArrayList<>();
            for (int i = 0; i < VALID; i++) {
                valid.add(SignedPackets.signed(DEVICE, 1000 + i, now - 60_000 + i * 100L, 20 + i % 5));
            }
            List<String> hostile = hostilePackets(valid, now, new Random(42));
            assertThat(hostile.size()).isGreaterThanOrEqualTo(1000);

            try (Devices devices = Devices.fleet(app, "iot/logs")) {
                // Valid packets first (so old ones are below the window for the replays), then hostile ones interleaved.
                for (int i = 0; i < 100; i++) {
                    devices.publish(valid.get(i));
                }
                int v = 100;
                for (int h = 0; h < hostile.size(); h++) {
                    devices.publish(hostile.get(h));
                    if (h % 25 == 0 && v < VALID) {
                        devices.publish(valid.get(v++));
                    }
                }
                while (v < VALID) {
                    devices.publish(valid.get(v++));
                }
            }

            List<int[]> restProblems = new ArrayList<>();
            int restRequests = hostileRest(api, restProblems);
            assertThat(restRequests).isGreaterThanOrEqualTo(200);
            assertThat(restProblems).as("REST answers that were 5xx or not a JSON error").isEmpty();

            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                JsonNode stats = api.viewer("/api/v1/stats");
                long events = 0;
                for (JsonNode count : stats.get("security_events")) {
                    events += count.asLong();
                }
                assertThat(events).as("one security event per hostile packet").isEqualTo(hostile.size());
                assertThat(stats.get("stored").asLong()).isEqualTo(VALID);
            });
            JsonNode logs = api.items("/api/v1/logs?device_id=" + DEVICE + "&limit=1000");
            assertThat(logs.size()).isEqualTo(VALID);
            assertThat(api.healthStatus()).isEqualTo(200);
            JsonNode kinds = api.viewer("/api/v1/stats").get("security_events");
            for (String kind : new String[] {"schema", "bad_signature", "unknown_device", "replay", "sanity"}) {
                assertThat(kinds.get(kind).asLong()).as(kind).isPositive();
            }
        }
    }

    /** Generated hostile packets; none is a valid packet or an exact copy of one inside the replay window. */
    private static List<String> hostilePackets(List<String> valid, long now, Random random) {
        List<String> out = new ArrayList<>();
        String sample = valid.get(0);
        // Truncated JSON at every few offsets.
        for (int cut = 1; cut < sample.length() - 1; cut += 2) {
            out.add(sample.substring(0, cut));
        }
        // Wrong types and values per field.
        String[][] swaps = {
            {"\"type\":\"telemetry\"", "\"type\":\"admin\""}, {"\"type\":\"telemetry\"", "\"type\":1"},
            {"\"cpu_usage\":12.5", "\"cpu_usage\":\"12.5\""}, {"\"cpu_usage\":12.5", "\"cpu_usage\":-1"},
            {"\"cpu_usage\":12.5", "\"cpu_usage\":1e400"}, {"\"battery_level\":87.0", "\"battery_level\":null"},
            {"\"battery_level\":87.0", "\"battery_level\":[87]"}, {"\"sequence_no\":1000", "\"sequence_no\":-5"},
            {"\"sequence_no\":1000", "\"sequence_no\":1.5"}, {"\"sequence_no\":1000", "\"sequence_no\":99999999999999999999999"},
            {"\"timestamp\":", "\"timestamp\":\"yesterday\",\"x\":"}, {"\"sensors\":{", "\"sensors\":{\"motion\":7,"},
            {"\"sensors\":{", "\"sensors\":{\"x\":{\"y\":1},"}, {"\"sensors\":{", "\"sensors\":{\"Robert'); DROP TABLE logs;--\":1,"},
            {"\"sensors\":{", "\"sensors\":{\"light\":1e400,"}, {"\"sig\":\"", "\"sig\":\"!"},
            {"\"device_id\":\"hostile-ok\"", "\"device_id\":\"hostile-ok' OR '1'='1\""},
            {"\"device_id\":\"hostile-ok\"", "\"device_id\":\"h\u043estile-ok\""},
            {"\"device_id\":\"hostile-ok\"", "\"device_id\":\"hostile-ok\\u0000\""},
            {"\"device_id\":\"hostile-ok\"", "\"device_id\":\"../../etc/passwd\""},
            {"{", "{\"__proto__\":{},"}, {"{", "{\"device_id\":\"other\","},
        };
        for (int round = 0; round < 20; round++) {
            for (String[] swap : swaps) {
                String base = swap[0].contains("sequence_no") ? sample : valid.get(random.nextInt(valid.size()));
                String mutated = base.replace(swap[0], swap[1]);
                if (mutated.equals(base)) {
                    throw new IllegalStateException("mutation " + swap[0] + " changed nothing");
                }
                out.add(mutated);
            }
        }
        // Deep nesting, huge strings and numbers, binary and unicode junk.
        out.add("{\"sensors\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        out.add("{\"device_id\":\"" + "a".repeat(5000) + "\"}");
        out.add("9".repeat(3000));
        out.add("\u0000\u0001\u0002{}");
        out.add("");
        out.add("null");
        out.add("[]");
        out.add("\"just a string\"");
        out.add(sample + sample);
        // Forged signatures, tampered values, unknown devices, clock skew, replays below the window.
        for (int i = 0; i < 400; i++) {
            long seq = 5000 + i;
            String good = SignedPackets.signed(DEVICE, seq, now, 21);
            switch (i % 5) {
                case 0 -> out.add(good.replaceAll("\"sig\":\"[^\"]+\"", "\"sig\":\"" + "B".repeat(85) + "A\""));
                case 1 -> out.add(good.replace("\"temperature\":21.0", "\"temperature\":22.0"));
                case 2 -> out.add(SignedPackets.signed("stranger-" + i, seq, now, 21));
                case 3 -> out.add(SignedPackets.signed(DEVICE, seq, now + 3_600_000L, 21));
                default -> out.add(SignedPackets.signed(DEVICE, seq, now - 3_600_000L, 21));
            }
        }
        for (int i = 0; i < 20; i++) {
            out.add(valid.get(i)); // far below the window once the valid stream has moved on: replays
        }
        return out;
    }

    /** Hostile REST requests; records any answer that is a 5xx or not a JSON error. Returns how many were sent. */
    private static int hostileRest(Api api, List<int[]> problems) throws Exception {
        String[] paths = {"/api/v1/exports/..%2F..%2Fdb%2Fvigil.mv.db", "/api/v1/exports/logs-2026-13-45.jsonl",
            "/api/v1/exports/%2e%2e%2fdev-tokens.properties", "/api/v1/exports/logs-2026-01-01.jsonl%00.txt",
            "/api/v1/logs?device_id=%27%20OR%201%3D1%20--&limit=5", "/api/v1/logs?limit=-1", "/api/v1/logs?limit=abc",
            "/api/v1/logs?limit=99999999999", "/api/v1/security-events?kind=%27%3Bdrop%20table%20logs", "/api/v1/batches/not-a-uuid",
            "/api/v1/batches/00000000-0000-0000-0000-000000000000/verify", "/api/v1/logs/x/notanumber/proof",
            "/api/v1/logs/hostile-ok/99999999999999999999999/proof", "/api/v1/devices/%00"};
        String[] tokens = {null, "", "x", "it-viewer-token ", "Bearer it-viewer-token", "it-gateway-token", "it-viewer-token"};
        int sent = 0;
        for (String path : paths) {
            for (String token : tokens) {
                check(api.get(path, token), problems, sent++);
            }
        }
        String[] bodies = {"", "{", "[]", "null", "{\"device_id\":\"x\"}", "{\"device_id\":\"ab\",\"public_key\":\"AAAA\"}",
            "{\"device_id\":\"ok-device\",\"public_key\":\"" + "A".repeat(43) + "\"}", "{\"device_id\":{\"$gt\":\"\"}}",
            "{\"batch_id\":\"x\",\"logs\":[]}", "{\"batch_id\":\"00000000-0000-0000-0000-000000000001\",\"gateway_id\":\"gw\","
            + "\"created_at\":1,\"logs\":[{}],\"batch_hash\":\"" + "0".repeat(64) + "\"}", "x".repeat(100_000)};
        for (String body : bodies) {
            for (String token : new String[] {null, "it-viewer-token", "it-admin-token", "it-gateway-token"}) {
                check(api.post("/api/v1/devices", token, body), problems, sent++);
                check(api.post("/api/v1/batches", token, body), problems, sent++);
                check(api.post("/api/v1/devices/hostile-ok/commands", token, body), problems, sent++);
            }
        }
        return sent;
    }

    private static void check(Api.Answer answer, List<int[]> problems, int index) {
        boolean jsonError = answer.json() != null && answer.json().has("error");
        boolean ok = answer.status() < 500 || answer.status() == 503 && jsonError;
        if (!ok || answer.status() >= 400 && !jsonError) {
            problems.add(new int[] {index, answer.status()});
        }
    }
}
