package io.vigil.processors;

import io.vigil.model.SecurityEvent;
import io.vigil.processors.BatchStore.Outcome;
import io.vigil.processors.BatchStore.StoredLog;
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

    /** A connection opened with {@code ?token=}; true if it may receive events (viewer or above). */
    public boolean open(String connectionKey, String token) {
        String role = auth.roleOfToken(token);
        if (role == null || "gateway".equals(role)) {
            return false;
        }
        connections.put(connectionKey, role);
        return true;
    }

    public void close(String connectionKey) {
        connections.remove(connectionKey);
    }

    /** Comma-separated connection keys for the vertx-websocket producer, or null when nobody listens. */
    public String recipients() {
        return connections.isEmpty() ? null : String.join(",", connections.keySet());
    }

    public Map<String, Object> refused() {
        return Map.of("type", "error", "error", "missing or unknown token", "detail", "connect to /ws/events?token=<viewer token>");
    }

    /** One message per stored log of a newly stored batch. */
    public void logsStored(Outcome outcome) {
        if (outcome.duplicate() || connections.isEmpty()) {
            return;
        }
        List<StoredLog> stored = outcome.stored();
        for (StoredLog log : stored) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "log");
            m.put("device_id", log.packet().deviceId());
            m.put("sequence_no", log.packet().sequenceNo());
            m.put("packet_type", log.packet().type().wire());
            m.put("timestamp", log.packet().timestamp());
            m.put("cpu_usage", log.packet().cpuUsage());
            m.put("battery_level", log.packet().batteryLevel());
            m.put("sensors", log.packet().sensors());
            m.put("batch_id", log.batchId().toString());
            m.put("leaf_index", log.leafIndex());
            m.put("stored_at", log.storedAt());
            m.put("label", log.verdict() == null ? null : log.verdict().label());
            m.put("score", log.verdict() == null ? null : log.verdict().score());
            m.put("model", log.verdict() == null ? null : log.verdict().model());
            sink.accept(m);
        }
        for (StoredLog log : stored) {
            if (log.verdict() != null && log.verdict().alert()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "alert");
                m.put("id", "ml-" + log.alertId());
                m.put("source", "ml");
                m.put("kind", "ml_anomaly");
                m.put("device_id", log.packet().deviceId());
                m.put("sequence_no", log.packet().sequenceNo());
                m.put("detail", log.verdict().detail());
                m.put("confidence", log.verdict().score());
                m.put("model", log.verdict().model());
                m.put("observed_at", log.storedAt());
                m.put("tx_hash", null);
                sink.accept(m);
            }
        }
    }

    /** One message per security event. */
    public void securityEvent(long id, SecurityEvent event) {
        if (connections.isEmpty()) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "alert");
        m.put("id", "sec-" + id);
        m.put("alert_id", id);
        m.put("source", "security");
        m.put("confidence", 1.0);
        m.put("kind", event.kind().wire());
        m.put("device_id", event.deviceId());
        m.put("sequence_no", event.sequenceNo());
        m.put("detail", event.detail());
        m.put("observed_at", event.observedAt());
        m.put("tx_hash", null);
        sink.accept(m);
    }

    /** A batch anchored on-chain. */
    public void anchored(String batchId, String batchHash, String txHash, long block) {
        if (connections.isEmpty()) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "anchor");
        m.put("batch_id", batchId);
        m.put("batch_hash", batchHash);
        m.put("tx_hash", txHash);
        m.put("block_number", block);
        sink.accept(m);
    }

    /** An alert's incident recorded on-chain (its tx hash for the alert list). */
    public void incidentRecorded(String alertId, String deviceId, String kind, String txHash, long block) {
        if (connections.isEmpty()) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "incident");
        m.put("alert_id", alertId);
        m.put("device_id", deviceId);
        m.put("kind", kind);
        m.put("tx_hash", txHash);
        m.put("block_number", block);
        sink.accept(m);
    }

    /** A device's trust as changed on-chain. */
    public void trustChanged(String deviceId, int previous, int current, int delta, String txHash, long block) {
        if (connections.isEmpty()) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "trust");
        m.put("device_id", deviceId);
        m.put("previous", previous);
        m.put("trust_score", current);
        m.put("delta", delta);
        m.put("tx_hash", txHash);
        m.put("block_number", block);
        sink.accept(m);
    }
}
