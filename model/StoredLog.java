package io.vigil.model;

import java.util.UUID;

/** One stored log with its place in its batch, and its ML verdict (null when ML is off). */
public record StoredLog(UUID batchId, int leafIndex, long storedAt, Packet packet, Verdict verdict, Long alertId) {
}
