package io.vigil.model;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** A sealed gateway batch (PROTOCOL §3): logs in order as canonical JSON, and their RFC 6962 root. */
public record Batch(UUID batchId, String gatewayId, long createdAt, List<String> logs, String batchHash) {

    public Batch {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(batchHash, "batchHash");
        logs = List.copyOf(logs);
        if (logs.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one log");
        }
    }
}
