package io.vigil.model;

import java.util.UUID;

/**
 * One stored log with its place in its batch, its ML verdict (null when ML is off) and, when it belongs to a raised
 * ML alert (an episode of its device's anomalous logs), that alert's id and its count of logs so far.
 */
public record StoredLog(UUID batchId, int leafIndex, long storedAt, Packet packet, Verdict verdict, Long alertId,
        int alertCount) {
}
