package io.vigil.boot;

import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketPeer;

/**
 * Camel's vertx-websocket component (bound as {@code vertx-websocket}) that can say goodbye: on shutdown, before Camel
 * stops, every open /ws/events connection is closed with 1001 (going away), so a dashboard knows to reconnect, and
 * its close event still reaches a running route. Left open, the connections were cut when Vert.x closed, and their
 * close events found Vert.x's workers gone (an ERROR in the shutdown log).
 */
@org.apache.camel.spi.annotations.Component("vertx-websocket") // the parent's configurers (endpoint options)
public final class EventsWebSocketComponent extends VertxWebsocketComponent {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventsWebSocketComponent.class);

    /** The component on Vigil's one Vert.x instance. */
    public static EventsWebSocketComponent on(io.vertx.core.Vertx vertx) {
        EventsWebSocketComponent component = new EventsWebSocketComponent();
        component.setVertx(vertx);
        return component;
    }

    /** Open server-side connections of every host this component serves. */
    private List<ServerWebSocket> open() {
        List<ServerWebSocket> open = new ArrayList<>();
        for (VertxWebsocketHost host : getVertxHostRegistry().values()) {
            for (VertxWebsocketPeer peer : List.copyOf(host.getConnectedPeers())) {
                open.add(peer.getWebSocket());
            }
        }
        return open;
    }

    /**
     * Closes every open connection with 1001 and waits, at most {@code within}, until the component has seen each one
     * close (a peer leaves the host's list after its close event was handed to the route). Returns how many were
     * still open when the wait ended.
     */
    public int goingAway(Duration within) {
        for (ServerWebSocket socket : open()) {
            if (!socket.isClosed()) {
                socket.close((short) 1001, "Vigil is stopping");
            }
        }
        long deadline = System.nanoTime() + within.toNanos();
        int left = open().size();
        while (left > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            left = open().size();
        }
        if (left > 0) {
            LOG.info("{} event feed connection(s) did not answer the close within {} ms", left, within.toMillis());
        }
        return left;
    }
}
