package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Black box: the packaged application, a real broker, devices publishing signed packets and attacks over
 * MQTT 5, and only REST answers asserted. Subclasses choose the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class PipelineContract {

    static final String ADMIN = "it-admin-token";
    static final String VIEWER = "it-viewer-token";
    static final String[] DEVICES = {"it-dev-01", "it-dev-02", "it-dev-03"};
    static final int PER_DEVICE = 12;
    static final int DUPLICATES = 5;

    Path dataDir;
    VigilProcess app;
    Api api;
    java.util.concurrent.BlockingQueue<String> viewerFeed;
    java.util.concurrent.BlockingQueue<String> anonymousFeed;
    String topic;

    /** Sets the broker the application and the devices use. */
    abstract void configureBroker(VigilProcess process);

    @BeforeAll
    void startAndPublish() throws Exception {
        dataDir = java.nio.file.Files.createTempDirectory("vigil-it-");
        app = new VigilProcess(dataDir).with("VIGIL_BATCH_SIZE", "8").with("VIGIL_BATCH_TIMEOUT_MS", "500");
        configureBroker(app);
        topic = app.env.getOrDefault("VIGIL_MQTT_TOPIC", "iot/logs");
        app.start();
        api = app.api();
        for (String device : DEVICES) {
            assertThat(api.post("/api/v1/devices", ADMIN, provision(device)).status()).isEqualTo(201);
        }
        assertThat(api.post("/api/v1/devices", ADMIN, provision("it-flooder")).status()).isEqualTo(201);
        viewerFeed = api.events(VIEWER);
        anonymousFeed = api.events(null);
        long now = System.currentTimeMillis();
        try (Devices devices = Devices.fleet(app, topic)) {
            List<String> valid = new ArrayList<>();
            for (int i = 0; i < PER_DEVICE; i++) {
                for (String device : DEVICES) {
                    String packet = Devices.signed(device, 1000 + i, now, 20 + i * 0.1);
                    valid.add(packet);
                    devices.publish(packet);
                }
            }
            for (int i = 0; i < DUPLICATES; i++) {
                devices.publish(valid.get(i));
            }
            // Attacks, one of each kind.
            devices.publish(valid.get(7).replace("\"cpu_usage\":12.5", "\"cpu_usage\":13.0"));          // tampered: bad_signature
            devices.publish(Devices.signed("it-rogue", 1, now, 20));                                    // unknown_device
            devices.publish("{\"device_id\": \"it-dev-01\", \"type\":");                               // schema: malformed
            devices.publish(Devices.signed("it-dev-01", 5000, now, 20).replace("{", "{\"debug\":1,")); // schema: unknown field
            devices.publish("{\"pad\":\"" + "x".repeat(5000) + "\"}");                              // schema: oversized
            devices.publish(Devices.signed("it-dev-02", 5000, now + 3_600_000L, 20));                 // sanity: clock skew
            // replay: seq reused, other bytes. A replay comes after what it replays was taken: sent at once, the
            // ingest workers (parallel) could take it first and the genuine packet would be the replay.
            await().atMost(Duration.ofSeconds(30)).until(() -> api.items("/api/v1/logs?device_id=it-dev-03&limit=1000")
                    .findValues("sequence_no").stream().anyMatch(n -> n.asLong() == 1000));
            devices.publish(Devices.signed("it-dev-03", 1000, now, 99.9));
            for (int i = 0; i < 30; i++) {
                devices.publish(Devices.signed("it-flooder", i, now, 20));                            // rate: 30 in 0 ms
            }
        }
    }

    static String provision(String device) {
        return "{\"device_id\":\"" + device + "\",\"public_key\":\"" + Devices.publicKey(device) + "\"}";
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    private long kindCount(String kind) throws Exception {
        return api.viewer("/api/v1/stats").get("security_events").get(kind).asLong();
    }

    @Test
    @Order(1)
    void every_valid_log_is_stored_exactly_once_and_duplicates_are_only_counted() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode stats = api.viewer("/api/v1/stats");
            assertThat(api.items("/api/v1/logs?device_id=it-flooder&limit=1000").size()).isEqualTo(20);
            assertThat(stats.get("stored").asLong()).isEqualTo(DEVICES.length * PER_DEVICE + 20);
            assertThat(stats.get("security_events").get("rate").asLong()).isEqualTo(10);
            assertThat(stats.get("duplicates").asLong()).isEqualTo(DUPLICATES);
        });
        for (String device : DEVICES) {
            JsonNode logs = api.items("/api/v1/logs?device_id=" + device + "&limit=1000");
            Set<Long> sequences = new HashSet<>();
            logs.forEach(l -> sequences.add(l.get("sequence_no").asLong()));
            assertThat(logs.size()).as(device).isEqualTo(PER_DEVICE);
            assertThat(sequences).as(device).hasSize(PER_DEVICE);
            assertThat(logs.get(0).get("sequence_no").asLong()).as("newest first").isEqualTo(1000 + PER_DEVICE - 1);
            assertThat(logs.get(0).has("label")).isTrue();
            assertThat(logs.get(0).get("batch_id").asText()).isNotBlank();
        }
    }

    @Test
    @Order(2)
    void each_bad_input_is_its_typed_security_event_with_the_payload_quarantined() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(kindCount("bad_signature")).isEqualTo(1);
            assertThat(kindCount("unknown_device")).isEqualTo(1);
            assertThat(kindCount("schema")).isEqualTo(3);
            assertThat(kindCount("sanity")).isEqualTo(1);
            assertThat(kindCount("replay")).isEqualTo(1);
            assertThat(kindCount("rate")).isEqualTo(10);
        });
        JsonNode replay = api.items("/api/v1/security-events?kind=replay").get(0);
        assertThat(replay.get("device_id").asText()).isEqualTo("it-dev-03");
        assertThat(replay.get("sequence_no").asLong()).isEqualTo(1000);
        assertThat(replay.get("payload").asText()).contains("99.9");
        JsonNode unknown = api.items("/api/v1/security-events?kind=unknown_device").get(0);
        assertThat(unknown.get("detail").asText()).contains("it-rogue");
        JsonNode alerts = api.items("/api/v1/alerts?device_id=it-dev-03");
        assertThat(alerts).anySatisfy(a -> assertThat(a.get("kind").asText()).isEqualTo("replay"));
        assertThat(api.items("/api/v1/logs?device_id=it-rogue").size()).isZero();
    }

    @Test
    @Order(3)
    void every_batch_hash_verifies_and_a_log_proof_recomputes_its_root() throws Exception {
        JsonNode batches = api.items("/api/v1/batches?limit=1000");
        assertThat(batches.size()).isGreaterThanOrEqualTo(DEVICES.length * PER_DEVICE / 8);
        // Each batch is anchored on the dev chain shortly after it is stored; verify reads that root back.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (JsonNode batch : batches) {
                JsonNode verify = api.viewer("/api/v1/batches/" + batch.get("batch_id").asText() + "/verify");
                assertThat(verify.get("recomputed_hash").asText()).isEqualTo(batch.get("batch_hash").asText());
                assertThat(verify.get("onchain_hash").asText()).isEqualTo(batch.get("batch_hash").asText());
                assertThat(verify.get("verified").asBoolean()).isTrue();
            }
        });
        JsonNode proof = api.viewer("/api/v1/logs/it-dev-02/1005/proof");
        List<String> path = new ArrayList<>();
        proof.get("audit_path").forEach(h -> path.add(h.asText()));
        String root = MerkleTree.rootFromAuditPath(proof.get("leaf_input").asText().getBytes(StandardCharsets.UTF_8),
                proof.get("leaf_index").asInt(), proof.get("tree_size").asInt(), path);
        assertThat(root).isEqualTo(proof.get("batch_hash").asText());
        assertThat(proof.get("onchain_hash").asText()).isEqualTo(root);
    }

    @Test
    @Order(4)
    void the_api_refuses_without_a_token_or_with_a_too_small_role_as_json() throws Exception {
        Api.Answer none = api.get("/api/v1/logs", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).contains("bearer token");
        Api.Answer wrong = api.get("/api/v1/logs", "not-a-token");
        assertThat(wrong.status()).isEqualTo(401);
        Api.Answer viewerProvisions = api.post("/api/v1/devices", VIEWER, provision("it-dev-99"));
        assertThat(viewerProvisions.status()).isEqualTo(403);
        assertThat(viewerProvisions.json().has("detail")).isTrue();
        Api.Answer again = api.post("/api/v1/devices", ADMIN, provision("it-dev-01"));
        assertThat(again.status()).isEqualTo(409);
        Api.Answer badKey = api.post("/api/v1/devices", ADMIN, "{\"device_id\":\"it-dev-98\",\"public_key\":\"abc\"}");
        assertThat(badKey.status()).isEqualTo(400);
        Api.Answer gatewayPost = api.post("/api/v1/batches", VIEWER, "{}");
        assertThat(gatewayPost.status()).isEqualTo(403);
        assertThat(api.get("/api/v1/security-events?kind=nonsense", VIEWER).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/exports/..%2F..%2Fdb%2Fvigil.mv.db", VIEWER).status()).isIn(400, 404);
        assertThat(api.get("/api/v1/exports/logs-2026-01-01.jsonl", VIEWER).status()).isEqualTo(404);
        // Unknown API paths answer JSON 404 (PROTOCOL v1.1 §6), with or without a token, whatever the method.
        for (String path : List.of("/api/v1/nothing-here", "/api/v1/devices/it-dev-01/nothing", "/api/v1/logs/a/b/c/d",
                "/api/v1/")) {
            for (String token : java.util.Arrays.asList(null, VIEWER)) {
                Api.Answer missing = api.get(path, token);
                assertThat(missing.status()).as(path).isEqualTo(404);
                assertThat(missing.contentType()).as(path).startsWith("application/json");
                assertThat(missing.json().get("error").asText()).as(path).isNotEmpty();
            }
        }
        Api.Answer postMissing = api.post("/api/v1/nothing-here", ADMIN, "{}");
        assertThat(postMissing.status()).isEqualTo(404);
        assertThat(postMissing.json().has("error")).isTrue();
        // The dashboard is served at / from the jar, and nothing else is: not the data dir, not the classpath.
        assertThat(api.status("/")).isEqualTo(200);
        for (String path : List.of("/data/dev-tokens.properties", "/application.properties", "/logback.xml",
                "/assets/../data/dev-tokens.properties", "/assets/%2e%2e/application.properties", "/dashboard/index.html",
                "/db/migration/V1__pipeline.sql", "/pom.xml", "/assets/x.properties")) {
            assertThat(api.status(path)).as(path).isEqualTo(404);
        }
    }

    @Test
    @Order(5)
    void stored_logs_are_in_the_daily_jsonl_export_with_their_batch() throws Exception {
        JsonNode exports = api.viewer("/api/v1/exports");
        assertThat(exports.size()).isGreaterThanOrEqualTo(1);
        String jsonl = api.getText("/api/v1/exports/" + exports.get(exports.size() - 1).asText(), VIEWER);
        long stored = api.viewer("/api/v1/stats").get("stored").asLong();
        assertThat(jsonl.lines().count()).isEqualTo(stored);
        assertThat(jsonl.lines().findFirst().orElseThrow()).contains("\"batch_id\"", "\"leaf_index\"", "\"log\":{");
    }

    @Test
    @Order(6)
    void the_websocket_feed_streams_logs_and_alerts_to_viewers_and_nothing_to_anyone_else() throws Exception {
        long stored = api.viewer("/api/v1/stats").get("stored").asLong();
        List<JsonNode> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String m = viewerFeed.poll(); m != null; m = viewerFeed.poll()) {
                received.add(io.vigil.crypto.CanonicalJson.STRICT.readTree(m));
            }
            assertThat(received.stream().filter(m -> m.get("type").asText().equals("log")).count())
                    .as("log messages among %s", received).isEqualTo(stored);
        });
        assertThat(received).anySatisfy(m -> {
            assertThat(m.get("type").asText()).isEqualTo("alert");
            assertThat(m.get("kind").asText()).isEqualTo("replay");
        });
        // A log on the feed has the very shape of an item of GET /logs (one view record for both).
        JsonNode newest = api.viewer("/api/v1/logs?limit=1").get("items").get(0);
        List<String> restFields = new ArrayList<>();
        newest.fieldNames().forEachRemaining(restFields::add);
        assertThat(received).filteredOn(m -> m.get("type").asText().equals("log")).allSatisfy(m -> {
            assertThat(m.get("log").get("batch_id").asText()).isNotBlank();
            List<String> fields = new ArrayList<>();
            m.get("log").fieldNames().forEachRemaining(fields::add);
            assertThat(fields).isEqualTo(restFields);
        });
        List<String> anonymous = new ArrayList<>(anonymousFeed);
        assertThat(anonymous).hasSize(2);
        assertThat(anonymous.get(0)).contains("\"type\":\"error\"");
        assertThat(anonymous.get(1)).isEqualTo("closed 1008");
    }

    @Test
    @Order(7)
    void health_reports_database_and_broker_and_the_openapi_document_is_served() throws Exception {
        JsonNode health = api.get("/health", null).json();
        assertThat(health.get("status").asText()).isEqualTo("up");
        assertThat(health.get("parts").get("broker").get("status").asText()).isEqualTo("up");
        assertThat(health.get("parts").get("database").get("status").asText()).isEqualTo("up");
        JsonNode openapi = api.get("/api/v1/openapi.json", null).json();
        assertThat(openapi.get("paths").has("/logs")).isTrue();
        assertThat(openapi.get("paths").has("/alerts/{alert_id}/actions")).isTrue();
        assertThat(openapi.get("servers").get(0).get("url").asText()).isEqualTo("/api/v1");
        assertThat(openapi.get("components").get("securitySchemes").get("bearer").get("scheme").asText()).isEqualTo("bearer");
    }

    @Test
    @Order(8)
    void every_answer_carries_security_headers_and_the_dashboard_assets_are_compressed_and_cached() throws Exception {
        var page = api.raw("/");
        assertThat(page.statusCode()).isEqualTo(200);
        for (var answer : List.of(page, api.raw("/api/v1/stats"), api.raw("/health"))) {
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(answer.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("default-src 'self'").contains("frame-ancestors 'none'");
            assertThat(answer.headers().firstValue("Cache-Control")).contains("no-cache");
        }
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("assets/[A-Za-z0-9_-]+\\.js")
                .matcher(new String(page.body(), StandardCharsets.UTF_8));
        assertThat(script.find()).isTrue();
        var plain = api.raw("/" + script.group());
        var gzip = api.raw("/" + script.group(), "Accept-Encoding", "gzip, deflate");
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(gzip.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(gzip.headers().firstValue("Cache-Control").orElse("")).contains("immutable");
        assertThat(gzip.body().length).isLessThan(plain.body().length / 2);
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
    }

    @Test
    @Order(9)
    void every_list_pages_with_next_cursor_to_its_end_without_gaps_or_repeats() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(api.viewer("/api/v1/stats").get("stored").asLong()).isEqualTo(DEVICES.length * PER_DEVICE + 20));
        for (String list : List.of("/api/v1/logs?", "/api/v1/logs?device_id=it-dev-02&", "/api/v1/security-events?",
                "/api/v1/security-events?kind=rate&", "/api/v1/alerts?", "/api/v1/batches?", "/api/v1/devices?")) {
            List<String> whole = identities(api.items(list + "limit=1000"));
            assertThat(whole.size()).as(list).isGreaterThan(2);
            List<String> paged = identities(api.all(list + "limit=2"));
            assertThat(paged).as(list + " read 2 at a time").isEqualTo(whole);
        }
        assertThat(api.all("/api/v1/logs?limit=5")).hasSize(DEVICES.length * PER_DEVICE + 20);
        JsonNode first = api.viewer("/api/v1/logs?limit=1");
        assertThat(first.get("next_cursor").asText()).isNotBlank();
        assertThat(api.viewer("/api/v1/logs?device_id=it-flooder&limit=1000").get("next_cursor").isNull()).isTrue();
        // A cursor belongs to its list; anything else is a clear 400.
        for (String bad : List.of("/api/v1/security-events?cursor=" + first.get("next_cursor").asText(),
                "/api/v1/logs?cursor=%00%27", "/api/v1/alerts?cursor=bm90LWEtY3Vyc29y", "/api/v1/alerts?severity=urgent",
                "/api/v1/alerts?state=closed", "/api/v1/alerts?since=yesterday",
                "/api/v1/logs/it-dev-01/99999999999999999999999/proof", "/api/v1/logs?limit=abc")) {
            Api.Answer answer = api.get(bad, VIEWER);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.json().get("error").asText()).as(bad).isNotBlank().doesNotContain("body");
        }
    }

    /** What identifies each item of a list: its id, batch id, device, or device and sequence number. */
    private static List<String> identities(JsonNode items) {
        List<String> ids = new ArrayList<>();
        for (JsonNode item : items) {
            ids.add(item.has("id") ? item.get("id").asText() : item.has("sequence_no") && item.has("sig")
                    ? item.get("device_id").asText() + "/" + item.get("sequence_no").asText()
                    : item.has("batch_hash") ? item.get("batch_id").asText() : item.get("device_id").asText());
        }
        return ids;
    }

    @Test
    @Order(10)
    void alerts_filter_by_kind_source_severity_and_time_and_an_operator_acknowledges_with_an_audit_trail() throws Exception {
        JsonNode rate = api.items("/api/v1/alerts?kind=rate");
        assertThat(rate).hasSize(1);
        JsonNode incident = rate.get(0);
        assertThat(incident.get("count").asInt()).isEqualTo(10);
        assertThat(incident.get("attributable").asBoolean()).isTrue();
        assertThat(incident.get("severity").asText()).isEqualTo("high");
        assertThat(incident.get("state").asText()).isEqualTo("open");
        assertThat(api.items("/api/v1/alerts?source=ml&kind=rate")).isEmpty();
        assertThat(api.items("/api/v1/alerts?severity=high")).extracting(a -> a.get("severity").asText()).containsOnly("high");
        long at = incident.get("observed_at").asLong();
        assertThat(api.items("/api/v1/alerts?kind=rate&since=" + (at + 1))).isEmpty();
        assertThat(api.items("/api/v1/alerts?kind=rate&since=" + at + "&until=" + (at + 1))).hasSize(1);
        String path = "/api/v1/alerts/" + incident.get("id").asText();

        String ack = "{\"action\":\"acknowledge\",\"by\":\"Ada L\",\"note\":\"looking at the flooder\"}";
        assertThat(api.post(path + "/actions", VIEWER, ack).status()).isEqualTo(403);
        assertThat(api.post(path + "/actions", null, ack).status()).isEqualTo(401);
        assertThat(api.post(path + "/actions", "it-operator-token", "{\"action\":\"delete\"}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/alerts/sec-999999/actions", "it-operator-token", ack).status()).isEqualTo(404);
        Api.Answer done = api.post(path + "/actions", "it-operator-token", ack);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("state").asText()).isEqualTo("acknowledged");
        assertThat(api.post(path + "/actions", "it-operator-token", ack).status()).isEqualTo(409);
        assertThat(api.post(path + "/actions", ADMIN, "{\"action\":\"resolve\"}").status()).isEqualTo(200);

        JsonNode alert = api.viewer(path);
        assertThat(alert.get("state").asText()).isEqualTo("resolved");
        assertThat(alert.get("state_by").asText()).isEqualTo("admin");
        assertThat(alert.get("events")).hasSize(10);
        JsonNode trail = alert.get("actions");
        assertThat(trail).hasSize(2);
        assertThat(trail.get(0).get("action").asText()).isEqualTo("acknowledge");
        assertThat(trail.get(0).get("actor").asText()).isEqualTo("Ada L");
        assertThat(trail.get(0).get("role").asText()).isEqualTo("operator");
        assertThat(trail.get(0).get("note").asText()).isEqualTo("looking at the flooder");
        assertThat(trail.get(1).get("state").asText()).isEqualTo("resolved");
        assertThat(api.items("/api/v1/alerts?state=resolved")).extracting(a -> a.get("id").asText())
                .containsExactly(incident.get("id").asText());
        assertThat(api.items("/api/v1/alerts?state=open")).extracting(a -> a.get("id").asText())
                .doesNotContain(incident.get("id").asText());
        assertThat(api.viewer("/api/v1/overview").get("open_alerts").get("high").asLong())
                .isEqualTo(api.items("/api/v1/alerts?state=open&severity=high&limit=1000").size());
    }

    @Test
    @Order(11)
    void a_device_series_downsamples_its_readings_over_a_time_range_and_the_overview_counts_the_fleet() throws Exception {
        JsonNode logs = api.items("/api/v1/logs?device_id=it-dev-01&limit=1000");
        long t0 = logs.get(logs.size() - 1).get("timestamp").asLong();
        JsonNode series = api.viewer("/api/v1/devices/it-dev-01/series?from=" + (t0 - 60_000) + "&to=" + (t0 + 60_000)
                + "&points=12");
        assertThat(series.get("t")).hasSize(12);
        assertThat(series.get("step_ms").asLong()).isEqualTo(10_000);
        long counted = 0;
        for (JsonNode n : series.get("count")) {
            counted += n.asLong();
        }
        assertThat(counted).isEqualTo(PER_DEVICE);
        JsonNode temperature = series.get("series").get("temperature");
        assertThat(temperature.get("unit").asText()).isEqualTo("°C");
        double max = 0;
        for (JsonNode v : temperature.get("max")) {
            max = Math.max(max, v.asDouble());
        }
        assertThat(max).isEqualTo(20 + (PER_DEVICE - 1) * 0.1, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(series.get("series").has("cpu_usage")).isTrue();
        assertThat(api.get("/api/v1/devices/it-dev-01/series?from=10&to=5", VIEWER).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/devices/it-dev-01/series?points=5000", VIEWER).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/devices/it-nobody/series", VIEWER).status()).isEqualTo(404);

        JsonNode overview = api.viewer("/api/v1/overview?points=60");
        assertThat(overview.get("devices").get("total").asLong()).isEqualTo(DEVICES.length + 1);
        assertThat(overview.get("devices").get("active").asLong()).isEqualTo(DEVICES.length + 1);
        long stored = 0;
        for (JsonNode n : overview.get("stored")) {
            stored += n.asLong();
        }
        assertThat(stored).isEqualTo(DEVICES.length * PER_DEVICE + 20);
        assertThat(overview.get("t")).hasSize(60);
    }

    @Test
    @Order(12)
    void metrics_need_a_viewer_token() throws Exception {
        assertThat(api.get("/observe/metrics", null).status()).isEqualTo(401);
        assertThat(api.get("/observe/metrics", "it-gateway-token").status()).isEqualTo(401);
        assertThat(api.raw("/observe/metrics", "Authorization", "Bearer " + VIEWER).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(99)
    void sigterm_stops_in_order_without_an_error_and_says_so() throws Exception {
        String shutdown = app.stopAndReadShutdown();
        assertThat(shutdown).contains("Vigil stopped");
        // A dashboard still watching is told the server is going away (1001), so it knows to reconnect.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(viewerFeed).contains("closed 1001"));
        // No ERROR. (Camel may warn once that an exchange, a timer tick, was still in flight when it stopped.)
        assertThat(shutdown.lines().filter(l -> l.contains(" ERROR "))).as(shutdown).isEmpty();
        assertThat(shutdown.lines().filter(l -> l.contains(" WARN ") && !l.contains("inflight exchanges"))).as(shutdown)
                .isEmpty();
        assertThat(shutdown).doesNotContain("Database is already closed");
        assertThat(dataDir.resolve("ledger").resolve("ganache.pid")).doesNotExist();
    }

    @Test
    @Order(13)
    void no_operation_of_the_api_answers_without_a_token_or_to_the_gateway_token() throws Exception {
        // Every operation the served OpenAPI document lists, with its path parameters filled in: without a token it is
        // a JSON 401; with the gateway token (which may only post batches) it is refused too. Only the document
        // itself is public. A route that forgot its role would fail here.
        JsonNode paths = api.get("/api/v1/openapi.json", null).json().get("paths");
        int checked = 0;
        for (var path = paths.fields(); path.hasNext();) {
            var entry = path.next();
            String concrete = "/api/v1" + entry.getKey().replace("{id}", "it-dev-01").replace("{device_id}", "it-dev-01")
                    .replace("{sequence_no}", "1000").replace("{alert_id}", "sec-1")
                    .replace("{batch_id}", "00000000-0000-0000-0000-000000000001").replace("{hash}", "0x" + "0".repeat(64))
                    .replace("{name}", "logs-2026-01-01.jsonl");
            for (var op = entry.getValue().fields(); op.hasNext();) {
                var operation = op.next();
                boolean open = operation.getValue().has("security") && operation.getValue().get("security").isEmpty();
                if (open) {
                    continue;
                }
                boolean post = operation.getKey().equals("post");
                Api.Answer anonymous = post ? api.post(concrete, null, "{}") : api.get(concrete, null);
                assertThat(anonymous.status()).as("%s %s without a token", operation.getKey(), concrete).isEqualTo(401);
                assertThat(anonymous.json().get("error").asText()).isNotBlank();
                if (!(post && entry.getKey().equals("/batches"))) {
                    int gateway = (post ? api.post(concrete, "it-gateway-token", "{}") : api.get(concrete, "it-gateway-token"))
                            .status();
                    assertThat(gateway).as("%s %s with the gateway token", operation.getKey(), concrete).isIn(401, 403);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(20);
    }
}
