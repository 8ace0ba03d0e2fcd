package io.vigil.processors;

import io.vigil.model.SecurityEvent;
import io.vigil.model.BatchOutcome;
import io.vigil.model.LogView;
import io.vigil.model.StoredLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The live feed of WS /ws/events: which connections may receive it (a viewer token at connect time) and the
 * JSON messages for stored logs and alerts. Best effort: the database, not the feed, is the record.
 */
public class EventStream {

    private final ApiAuth auth;
    private final Map<String, String> connections = new ConcurrentHashMap<>();
    private volatile Consumer<Map<String, Object>> sink = message -> { };

    public EventStream(ApiAuth auth) {
        this.auth = auth;
    }

    /** Where messages go (the events route); until set they are dropped. */
    public void sink(Consumer<Map<String, Object>> sink) {
        this.sink = sink;
    }

    /** Handshakes whose token was a viewer's (or above), by remote address, until the route opens them. */
    private final Map<String, Long> authorized = new ConcurrentHashMap<>();

    /**
     * A WebSocket handshake's token (from {@code Sec-WebSocket-Protocol}, PROTOCOL v1.1 §6): true, and the connection
     * from {@code remoteAddress} may open, if it is a viewer's or above.
     */
    public boolean authorize(String remoteAddress, String token) {
        String role = auth.roleOfToken(token);
        if (role == null || "gateway".equals(role)) {
            return false;
        }
        long now = System.currentTimeMillis();
        authorized.values().removeIf(at -> at < now - 30_000);
        authorized.put(remoteAddress, now);
        return true;
    }

    /** A connection opened: it receives events only if its handshake was authorized. */
    public boolean open(String connectionKey, Object remoteAddress) {
        if (authorized.remove(String.valueOf(remoteAddress)) == null) {
            return false;
        }
        connections.put(connectionKey, "viewer");
        return true;
    }

    public void close(String connectionKey) {
        connections.remove(connectionKey);
    }

    /** Comma-separated connection keys for the vertx-websocket producer, or null when nobody listens. */
    public String recipients() {
        return connections.isEmpty() ? null : String.join(",", connections.keySet());
    }

    public Map<String, Object> refused(String why) {
        return Map.of("type", "error", "error", "a viewer token is required", "detail", why);
    }

    public Map<String, Object> refused() {
        return refused("send Sec-WebSocket-Protocol: vigil.v1, bearer.<viewer token>");
    }

    /** One message per stored log of a newly stored batch. */
    public void logsStored(BatchOutcome outcome) {
        if (outcome.duplicate() || connections.isEmpty()) {
            return;
        }
        List<StoredLog> stored = outcome.stored();
        for (StoredLog log : stored) {
            send("type", "log", "log", LogView.of(log));
        }
        // One message per raised ML alert touched by this batch, with its count so far: a client that shows it
        // already updates the row (as for a security incident).
        Map<Long, StoredLog> alerts = new LinkedHashMap<>();
        for (StoredLog log : stored) {
            if (log.alertId() != null) {
                alerts.merge(log.alertId(), log, (a, b) -> b.alertCount() >= a.alertCount() ? b : a);
            }
        }
        for (StoredLog log : alerts.values()) {
            send("type", "alert", "id", "ml-" + log.alertId(), "source", "ml", "kind", "ml_anomaly",
                    "device_id", log.packet().deviceId(), "sequence_no", log.packet().sequenceNo(),
                    "detail", log.verdict().detail(), "confidence", log.verdict().score(),
                    "model", log.verdict().model(), "observed_at", log.storedAt(), "tx_hash", null, "state", "open",
                    "severity", log.verdict().score() >= 0.95 ? "high" : "medium", "count", log.alertCount());
        }
    }

    /**
     * One message per security event, as its incident (PROTOCOL v1.1 §4): {@code id} is the incident's (its first
     * event's), so a client that already shows that alert updates its {@code count} instead of adding a row.
     */
    public void securityEvent(long incidentId, int count, boolean attributable, SecurityEvent event) {
        send("type", "alert", "id", "sec-" + incidentId, "alert_id", incidentId, "source", "security", "confidence", null,
                "kind", event.kind().wire(), "device_id", event.deviceId(), "sequence_no", event.sequenceNo(),
                "detail", event.detail(), "observed_at", event.observedAt(), "count", count,
                "attributable", attributable, "tx_hash", null, "state", "open",
                "severity", attributable ? "high" : count >= 10 ? "medium" : "low");
    }

    /** An alert acknowledged, resolved or reopened by an operator (the console updates every open view). */
    public void alertState(String alertId, String state, String by, String role, long at) {
        send("type", "alert_state", "alert_id", alertId, "state", state, "state_by", by, "state_role", role,
                "state_at", at);
    }

    /** A batch anchored on-chain. */
    public void anchored(String batchId, String batchHash, String txHash, long block) {
        send("type", "anchor", "batch_id", batchId, "batch_hash", batchHash, "tx_hash", txHash, "block_number", block);
    }

    /** An alert's incident recorded on-chain (its tx hash for the alert list). */
    public void incidentRecorded(String alertId, String deviceId, String kind, String txHash, long block) {
        send("type", "incident", "alert_id", alertId, "device_id", deviceId, "kind", kind, "tx_hash", txHash,
                "block_number", block);
    }

    /** A device's trust as changed on-chain. */
    public void trustChanged(String deviceId, int previous, int current, int delta, String txHash, long block) {
        send("type", "trust", "device_id", deviceId, "previous", previous, "trust_score", current, "delta", delta,
                "tx_hash", txHash, "block_number", block);
    }

    /** One message of alternating keys and values (values may be null), sent if anybody listens. */
    private void send(Object... keysAndValues) {
        if (connections.isEmpty()) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        sink.accept(m);
    }
}
