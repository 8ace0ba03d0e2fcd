package io.vigil.processors;

import io.vigil.db.Tx;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forward stage: hands the outbox's due batches to the server one at a time and records the
 * outcome. Acknowledged batches leave the outbox; failures are retried with doubling back-off; a batch
 * the server refuses as invalid is kept as 'rejected' for an operator, never dropped.
 */
public class BatchForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(BatchForwarder.class);

    /** A batch ready to send. */
    public record Due(UUID batchId, String body, int attempts) {
    }

    private static final long RECHECK_MS = 1000;

    private final DataSource dataSource;
    private final String gatewayId;
    private final java.util.concurrent.atomic.AtomicLong sealedCount = new java.util.concurrent.atomic.AtomicLong();
    private volatile long quietGeneration = -1;
    private volatile long quietUntil;
    private volatile boolean roundFailed;
    private final long backoffInitialMs;
    private final long backoffMaxMs;
    /** Batches handed over whose answer is not recorded yet (in process, one may wait for the store stage). */
    private final java.util.Set<UUID> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public BatchForwarder(DataSource dataSource, String gatewayId, long backoffInitialMs, long backoffMaxMs) {
        this.dataSource = dataSource;
        this.gatewayId = gatewayId;
        this.backoffInitialMs = backoffInitialMs;
        this.backoffMaxMs = backoffMaxMs;
    }

    /** The group commit sealed batches: the next poll looks at the outbox at once. */
    public void sealed(ReplayGuard.GroupOutcome outcome) {
        if (!outcome.batches().isEmpty()) {
            sealedCount.incrementAndGet();
        }
    }

    /**
     * Starts a delivery round with the oldest due batch, or null. The forward timer asks often (tens of
     * ms), so while nothing was sealed since the outbox was last found empty, it answers from memory and looks again
     * only once a second (for retries coming due and for batches sealed by an earlier run).
     */
    public Due startRound(long now) {
        roundFailed = false;
        long generation = sealedCount.get();
        if (generation == quietGeneration && now < quietUntil) {
            return null;
        }
        Due due = next(now);
        if (due == null) {
            quietGeneration = generation;
            quietUntil = now + RECHECK_MS;
        }
        return due;
    }

    /** The round's next batch, or null once a delivery in this round failed (the server is not taking batches). */
    public Due nextInRound(long now) {
        return roundFailed ? null : next(now);
    }

    /** The oldest batch due for delivery and not in flight, or null. */
    public Due next(long now) {
        List<Map<String, Object>> rows = Tx.read(dataSource, c -> Tx.rows(c,
                "select batch_id, body, attempts from gateway_outbox where gateway_id = ? and state = 'pending'"
                        + " and next_attempt_at <= ? order by created_at, batch_id limit " + (inFlight.size() + 1),
                gatewayId, now));
        for (Map<String, Object> row : rows) {
            if (!inFlight.contains((UUID) row.get("batch_id"))) {
                return new Due((UUID) row.get("batch_id"), (String) row.get("body"),
                        ((Number) row.get("attempts")).intValue());
            }
        }
        return null;
    }

    /** The batch is being handed over: {@link #next} passes it by until its answer or failure is recorded. */
    public void sending(UUID batchId) {
        inFlight.add(batchId);
    }

    /**
     * Records the server's answer. 2xx: delivered (also for a batch the server already had). 400, 409, 413 and
     * 422, the answers the server gives about the batch itself: kept as rejected. Anything else is retried: a
     * 404 or 405 comes from a server still starting (its HTTP port open before its routes; the server-down test
     * found a batch marked rejected that way), 401/403 from tokens being fixed, 5xx from a server in trouble.
     * Returns true when the drain may go on to the next batch.
     */
    public boolean answered(UUID batchId, int status, String responseBody, long now) {
        try {
            return record(batchId, status, responseBody, now);
        } finally {
            inFlight.remove(batchId);
        }
    }

    private boolean record(UUID batchId, int status, String responseBody, long now) {
        if (status >= 200 && status < 300) {
            Tx.inTransaction(dataSource, c -> Tx.update(c, "delete from gateway_outbox where batch_id = ?", batchId));
            return true;
        }
        boolean retryable = !(status == 400 || status == 409 || status == 413 || status == 422);
        String error = "HTTP " + status + ": " + truncate(responseBody);
        if (!retryable) {
            LOG.error("server rejected batch {} ({}); kept in the outbox as rejected", batchId, error);
            Tx.inTransaction(dataSource, c -> Tx.update(c,
                    "update gateway_outbox set state = 'rejected', last_error = ? where batch_id = ?", error, batchId));
            return true;
        }
        failed(batchId, error, now);
        return false;
    }

    /** Records a transport failure (server down, timeout) and schedules the retry. */
    public void failed(UUID batchId, String error, long now) {
        roundFailed = true;
        try {
            schedule(batchId, error, now);
        } finally {
            inFlight.remove(batchId);
        }
    }

    private void schedule(UUID batchId, String error, long now) {
        Tx.inTransaction(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select attempts from gateway_outbox where batch_id = ?", batchId);
            int attempts = rows.isEmpty() ? 0 : ((Number) rows.get(0).get("attempts")).intValue();
            long delay = Math.min(backoffMaxMs, backoffInitialMs << Math.min(20, attempts));
            LOG.warn("batch {} not delivered (attempt {}): {}; retry in {} ms", batchId, attempts + 1, truncate(error), delay);
            return Tx.update(c, "update gateway_outbox set attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
                    + " where batch_id = ?", now + delay, truncate(error), batchId);
        });
    }

    private static String truncate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 900 ? text : text.substring(0, 900);
    }
}
