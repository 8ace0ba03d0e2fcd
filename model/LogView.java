package io.vigil.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A stored log as clients see it, the same in {@code GET /api/v1/logs} items and in the {@code log} member of a
 * {@code {"type":"log"}} WebSocket message (PROTOCOL v1.1 §6): the device's fields as signed, where it was stored
 * (batch and leaf), and the ML verdict ({@code label}, {@code score}, {@code model}; null while ML is off).
 */
@JsonPropertyOrder({"device_id", "sequence_no", "type", "timestamp", "cpu_usage", "battery_level", "sensors", "sig",
    "batch_id", "leaf_index", "stored_at", "label", "score", "model"})
public record LogView(
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("sequence_no") long sequenceNo,
        @JsonProperty("type") String type,
        @JsonProperty("timestamp") long timestamp,
        @JsonProperty("cpu_usage") double cpuUsage,
        @JsonProperty("battery_level") double batteryLevel,
        @JsonProperty("sensors") Map<String, Double> sensors,
        @JsonProperty("sig") String sig,
        @JsonProperty("batch_id") String batchId,
        @JsonProperty("leaf_index") int leafIndex,
        @JsonProperty("stored_at") long storedAt,
        @JsonProperty("label") String label,
        @JsonProperty("score") Double score,
        @JsonProperty("model") String model) {

    /** The view of a log just stored (the WebSocket feed). */
    public static LogView of(StoredLog log) {
        Packet p = log.packet();
        Verdict v = log.verdict();
        return new LogView(p.deviceId(), p.sequenceNo(), p.type().wire(), p.timestamp(), p.cpuUsage(), p.batteryLevel(),
                p.sensors(), p.sig(), log.batchId().toString(), log.leafIndex(), log.storedAt(),
                v == null ? null : v.label(), v == null ? null : v.score(), v == null ? null : v.model());
    }
}
