package io.vigil.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the server made of a batch; {@code stored} logs are for the JSONL export and live events. */
public record BatchOutcome(boolean duplicate, UUID batchId, String batchHash, List<StoredLog> stored) {

    public Map<String, Object> answer() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("batch_id", batchId.toString());
        body.put("status", duplicate ? "duplicate" : "stored");
        body.put("batch_hash", batchHash);
        body.put("logs", duplicate ? 0 : stored.size());
        return body;
    }

    public int httpStatus() {
        return duplicate ? 200 : 201;
    }

    /**
     * Identity, not the record's deep equality: Camel's bean-info cache keys on the instance when a route reads
     * {@code ${variable.outcome.stored}}, and hashing every log of a batch for that cost the store stage 2 % of its
     * time (the forward routes read the batch id into a variable of their own for the same reason).
     */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
