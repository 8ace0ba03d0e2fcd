package io.vigil.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.cli.LoadGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** HTTPS client for the REST API that trusts only the application's development CA. */
final class Api {

    /** A status and parsed JSON body. */
    record Answer(int status, JsonNode json, String contentType) {
    }

    private final String base;
    private final Path caPem;
    private HttpClient client;

    Api(String base, Path caPem) {
        this.base = base;
        this.caPem = caPem;
    }

    private HttpClient client() throws Exception {
        if (client == null) {
            client = HttpClient.newBuilder().sslContext(LoadGenerator.trusting(caPem))
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }
        return client;
    }

    /**
     * Opens wss://…/ws/events as PROTOCOL v1.1 §6 says (the token in Sec-WebSocket-Protocol: vigil.v1, bearer.<token>;
     * only vigil.v1 when null) and collects every text message it receives, then "closed <code>" when it is closed.
     */
    java.util.concurrent.BlockingQueue<String> events(String token) throws Exception {
        java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        String uri = base.replaceFirst("^https", "wss") + "/ws/events";
        java.net.http.WebSocket.Builder builder = client().newWebSocketBuilder();
        if (token == null) {
            builder.subprotocols("vigil.v1");
        } else {
            builder.subprotocols("vigil.v1", "bearer." + token);
        }
        builder.buildAsync(URI.create(uri), new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket socket, int code, String reason) {
                messages.add("closed " + code);
                return null;
            }

            private final StringBuilder partial = new StringBuilder();

            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket, CharSequence data,
                    boolean last) {
                partial.append(data);
                if (last) {
                    messages.add(partial.toString());
                    partial.setLength(0);
                }
                socket.request(1);
                return null;
            }
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        return messages;
    }

    int healthStatus() {
        try {
            if (!Files.exists(caPem)) {
                return -1;
            }
            return client().send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    Answer get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return answer(client().send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    Answer post(String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return answer(client().send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    String getText(String path, String token) throws Exception {
        return client().send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    JsonNode viewer(String path) throws Exception {
        Answer answer = get(path, "it-viewer-token");
        if (answer.status() != 200) {
            throw new AssertionError("GET " + path + " answered " + answer.status() + ": " + answer.json());
        }
        return answer.json();
    }

    /** The first page of a list (PROTOCOL v1.1 §6: {"items": [...], "next_cursor": ...}): its items. */
    JsonNode items(String path) throws Exception {
        JsonNode page = viewer(path);
        if (!page.has("items") || !page.has("next_cursor")) {
            throw new AssertionError("GET " + path + " is not a page of items: " + page);
        }
        return page.get("items");
    }

    /** Every item of a list, following next_cursor from page to page. */
    com.fasterxml.jackson.databind.node.ArrayNode all(String path) throws Exception {
        com.fasterxml.jackson.databind.node.ArrayNode all = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        String next = path;
        while (next != null) {
            JsonNode page = viewer(next);
            page.get("items").forEach(all::add);
            JsonNode cursor = page.get("next_cursor");
            next = cursor == null || cursor.isNull() ? null
                    : path + (path.contains("?") ? "&" : "?") + "cursor=" + cursor.asText();
        }
        return all;
    }

    /** A plain GET with extra request headers (name, value, ...), the raw response. */
    HttpResponse<byte[]> raw(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Status of a plain GET without a token (pages and files outside the API). */
    int status(String path) throws Exception {
        return client().send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static Answer answer(HttpResponse<String> response) throws Exception {
        String body = response.body();
        JsonNode json = body == null || body.isBlank() ? null : CanonicalJson.STRICT.readTree(body);
        return new Answer(response.statusCode(), json, response.headers().firstValue("Content-Type").orElse(""));
    }
}
