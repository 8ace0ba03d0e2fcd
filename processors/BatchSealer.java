package io.vigil.processors;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.MerkleTree;
import io.vigil.db.Tx;
import io.vigil.model.Batch;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Batch stage, the persistent aggregator: journalled packets are sealed into a batch when
 * {@code batchSize} are waiting or the oldest has waited {@code timeoutMs}. Sealing moves the packets
 * from the journal to the outbox in one transaction, with the RFC 6962 root over their canonical bytes.
 * It runs on one sealer thread of its own: the workers only signal it, so the MQTT acks never wait for it.
 */
public class BatchSealer implements AutoCloseable {

    private final DataSource dataSource;
    private final String gatewayId;
    private final int batchSize;
    private final long timeoutMs;
    private final AtomicInteger waiting = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean sealScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ExecutorService sealer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vigil-batch-sealer");
        t.setDaemon(true);
        return t;
    });

    public BatchSealer(DataSource dataSource, String gatewayId, int batchSize, long timeoutMs) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("VIGIL_BATCH_SIZE must be at least 1");
        }
        this.dataSource = dataSource;
        this.gatewayId = gatewayId;
        this.batchSize = batchSize;
        this.timeoutMs = timeoutMs;
        this.waiting.set(Tx.read(dataSource, c -> ((Number) Tx.rows(c,
                "select count(*) as n from gateway_pending where gateway_id = ?", gatewayId).get(0).get("n")).intValue()));
    }

    /** Called after a packet was journalled; when a batch is full, asks the sealer thread to seal it, without waiting. */
    public void journalled() {
        if (waiting.incrementAndGet() >= batchSize && sealScheduled.compareAndSet(false, true)) {
            sealer.execute(() -> {
                sealScheduled.set(false);
                try {
                    sealFull();
                } catch (RuntimeException e) {
                    // the timer's sealDue seals what is left; the journal keeps every packet meanwhile
                    org.slf4j.LoggerFactory.getLogger(BatchSealer.class).warn("sealing failed: {}", e.getMessage());
                }
            });
        }
    }

    /** Seals every full batch waiting. */
    public synchronized int sealFull() {
        int sealed = 0;
        while (waiting.get() >= batchSize) {
            int n = Tx.inTransaction(dataSource, this::sealOne);
            if (n == 0) {
                break;
            }
            sealed++;
        }
        return sealed;
    }

    /** Seals what has waited longer than the timeout (the timer route calls this). Returns batches sealed. */
    public synchronized int sealDue(long now) {
        int sealed = sealFull();
        for (Long oldest = oldestWaiting(); oldest != null && now - oldest >= timeoutMs; oldest = oldestWaiting()) {
            if (Tx.inTransaction(dataSource, this::sealOne) == 0) {
                break;
            }
            sealed++;
        }
        return sealed;
    }

    /** When the oldest journalled packet arrived, or null when none waits. */
    private Long oldestWaiting() {
        return Tx.read(dataSource, c -> {
            Object value = Tx.rows(c, "select min(received_at) as oldest from gateway_pending where gateway_id = ?",
                    gatewayId).get(0).get("oldest");
            return value == null ? null : ((Number) value).longValue();
        });
    }

    /** Moves up to batchSize journalled packets into one outbox batch; returns how many it moved. */
    private int sealOne(Connection c) throws SQLException {
        List<Map<String, Object>> rows = Tx.rows(c,
                "select id, canonical from gateway_pending where gateway_id = ? order by id limit ?", gatewayId, batchSize);
        if (rows.isEmpty()) {
            return 0;
        }
        List<String> logs = new ArrayList<>(rows.size());
        List<byte[]> leaves = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            String canonical = (String) row.get("canonical");
            logs.add(canonical);
            leaves.add(canonical.getBytes(StandardCharsets.UTF_8));
        }
        Batch batch = new Batch(UUID.randomUUID(), gatewayId, System.currentTimeMillis(), logs, MerkleTree.rootHex(leaves));
        Tx.update(c, "insert into gateway_outbox (batch_id, gateway_id, created_at, batch_hash, log_count, body, state,"
                + " attempts, next_attempt_at) values (?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
                batch.batchId(), gatewayId, batch.createdAt(), batch.batchHash(), logs.size(), toJson(batch),
                batch.createdAt());
        try (PreparedStatement delete = c.prepareStatement("delete from gateway_pending where id = ?")) {
            for (Map<String, Object> row : rows) {
                delete.setLong(1, ((Number) row.get("id")).longValue());
                delete.addBatch();
            }
            delete.executeBatch();
        }
        waiting.addAndGet(-rows.size());
        return rows.size();
    }

    @Override
    public void close() {
        sealer.shutdown();
    }

    /** The PROTOCOL §3 wire form; logs are written as their canonical JSON, unchanged. */
    public static String toJson(Batch batch) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = CanonicalJson.STRICT.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("batch_id", batch.batchId().toString());
            json.writeStringField("gateway_id", batch.gatewayId());
            json.writeNumberField("created_at", batch.createdAt());
            json.writeArrayFieldStart("logs");
            for (String log : batch.logs()) {
                json.writeRawValue(log);
            }
            json.writeEndArray();
            json.writeStringField("batch_hash", batch.batchHash());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
