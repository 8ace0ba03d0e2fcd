package io.vigil.model;

import java.util.Objects;

/** A rejected packet, typed, with the quarantined payload kept for inspection. */
public record SecurityEvent(
        SecurityEventKind kind,
        String deviceId,
        Long sequenceNo,
        String detail,
        String payload,
        String gatewayId,
        long observedAt) {

    public SecurityEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(gatewayId, "gatewayId");
    }
}
