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
}
