package io.vigil.boot;

import io.vertx.ext.web.Router;
import io.vigil.processors.ApiAuth;

/**
 * {@code /observe/*} (Prometheus metrics) tells an outsider how busy the pipeline is, how many devices there are and
 * what fails: it needs a viewer token (or above) like the API. Prometheus sends one with
 * {@code authorization: {credentials: <token>}} in its scrape config.
 */
public final class MetricsAuth {

    private MetricsAuth() {
    }

    public static void install(Router router, ApiAuth auth) {
        router.route("/observe/*").order(-900).handler(ctx -> {
            String role = auth.role(ctx.request().getHeader("Authorization"));
            if (role == null || "gateway".equals(role)) {
                ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"missing or unknown bearer token\",\"detail\":\"send Authorization: Bearer <viewer token>\"}");
                return;
            }
            ctx.next();
        });
    }
}
