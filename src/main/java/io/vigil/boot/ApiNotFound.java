package io.vigil.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PROTOCOL v1.1 §6: a path under {@code /api/v1} that no operation serves answers a JSON 404 like every other
 * error, not the HTTP server's HTML page. Installed last on the server's router, so it only sees what nothing else
 * took.
 */
public final class ApiNotFound {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiNotFound() {
    }

    public static void install(Router router, String prefix) {
        router.route(prefix + "/*").order(Integer.MAX_VALUE).handler(ctx -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("method", ctx.request().method().name());
            String path = ctx.request().path();
            detail.put("path", path.length() > 200 ? path.substring(0, 200) + "..." : path);
            detail.put("see", prefix + "/openapi.json");
            String body;
            try {
                body = JSON.writeValueAsString(Map.of("error", "no such API path", "detail", detail));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                body = "{\"error\":\"no such API path\",\"detail\":null}";
            }
            ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json").end(body);
        });
    }
}
