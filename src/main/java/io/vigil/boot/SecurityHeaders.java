package io.vigil.boot;

import io.vertx.ext.web.Router;

/**
 * Headers every HTTP answer carries (the API, the dashboard, health): no MIME sniffing, no framing by another site,
 * no referrer, and a content security policy that lets the dashboard load only its own scripts and styles and talk
 * only to its own origin (HTTPS and the WebSocket feed); and caching: immutable for the hashed assets, none
 * elsewhere. Installed first on the server's router.
 */
public final class SecurityHeaders {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self' wss: https:; frame-ancestors 'none'; base-uri 'none'; form-action 'self';"
            + " object-src 'none'";

    private SecurityHeaders() {
    }

    public static void install(Router router) {
        router.route().order(-1000).handler(ctx -> {
            ctx.response().headers()
                    .set("X-Content-Type-Options", "nosniff")
                    .set("X-Frame-Options", "DENY")
                    .set("Referrer-Policy", "no-referrer")
                    .set("Content-Security-Policy", CSP)
                    .set("Strict-Transport-Security", "max-age=31536000");
            // Caching (Camel's HTTP header filter drops a Cache-Control set in a route): the dashboard's hashed
            // assets never change under their name; its page and every API answer are always asked for again.
            String path = ctx.request().path();
            ctx.response().headers().set("Cache-Control", path != null && path.startsWith("/assets/")
                    ? "public, max-age=31536000, immutable" : "no-cache");
            ctx.next();
        });
    }
}
