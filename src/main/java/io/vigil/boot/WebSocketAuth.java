package io.vigil.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vigil.processors.EventStream;

/**
 * The handshake of WS /ws/events (PROTOCOL v1.1 §6): the viewer token travels in {@code Sec-WebSocket-Protocol}
 * ({@code vigil.v1, bearer.<token>}), never in the URL. This Vert.x handler runs before the events route's own: it
 * answers with the {@code vigil.v1} sub-protocol (browsers close a connection that offered sub-protocols and got
 * none back), lets a connection with a viewer token through to the route, and itself accepts any other one, sends
 * one JSON error message and closes it with 1008 (policy violation).
 */
public final class WebSocketAuth {

    public static final String SUBPROTOCOL = "vigil.v1";
    private static final String BEARER = "bearer.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventStream events;

    private WebSocketAuth(EventStream events) {
        this.events = events;
    }

    /** Puts the handshake check in front of {@code path} on the HTTP server's router. */
    public static void install(Router router, String path, EventStream events) {
        WebSocketAuth auth = new WebSocketAuth(events);
        router.route(path).order(-100).handler(auth::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            ctx.next();
            return;
        }
        String token = null;
        boolean v1 = false;
        String offered = request.getHeader("Sec-WebSocket-Protocol");
        if (offered != null) {
            for (String protocol : offered.split(",")) {
                String p = protocol.trim();
                if (p.equals(SUBPROTOCOL)) {
                    v1 = true;
                } else if (p.startsWith(BEARER)) {
                    token = p.substring(BEARER.length());
                }
            }
        }
        if (v1) {
            ctx.response().putHeader("Sec-WebSocket-Protocol", SUBPROTOCOL);
        }
        if (v1 && token != null && events.authorize(String.valueOf(request.remoteAddress()), token)) {
            ctx.next(); // the events route registers the connection
            return;
        }
        String why = !v1 ? "offer the sub-protocol " + SUBPROTOCOL + " with bearer.<viewer token>"
                : token == null ? "no token: send Sec-WebSocket-Protocol: vigil.v1, bearer.<viewer token>"
                : "the token is not a viewer token";
        request.toWebSocket().onSuccess(ws -> {
            try {
                ws.writeTextMessage(JSON.writeValueAsString(events.refused(why)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                ws.writeTextMessage("{\"type\":\"error\",\"error\":\"unauthorized\"}");
            }
            ws.close((short) 1008, "a viewer token is required");
        });
    }
}
