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
import javax.sql.DataSource;

/**
 * The batching half of the gateway's group commit (PROTOCOL §3), inside the {@link ReplayGuard}'s transaction:
 * accepted packets are sealed into RFC 6962 batches in the outbox as soon as they and the journal make a batch, or
 * wait in the journal ({@code gateway_pending}) until they do or the oldest has waited the batch timeout. The
 * in-memory view of the journal (how many, the oldest) changes only once a transaction committed ({@link #apply}).
 * Callers hold the guard's lock.
 */
final class BatchJournal {

    /** What a transaction did to the journal, applied to the in-memory view only once it committed. */
    record Sealing(List<UUID> batches, int journalledAfter, long oldestAfter) {
    }

    private final String gatewayId;
    private final int batchSize;
    private final long batchTimeoutMs;
    /** A group commit also seals once at least {@code earlySize} packets are pending and the oldest waited earlyMs. */
    private volatile int earlySize = Integer.MAX_VALUE;
    private volatile long earlyMs = Long.MAX_VALUE;
    private int journalled;
    private long oldestJournalled;

    BatchJournal(DataSource dataSource, String gatewayId, int batchSize, long batchTimeoutMs) {
        this.gatewayId = gatewayId;
        this.batchSize = batchSize;
        this.batchTimeoutMs = batchTimeoutMs;
        Map<String, Object> journal = Tx.read(dataSource, c -> Tx.rows(c, "select count(*) as n, min(received_at) as oldest"
                + " from gateway_pending where gateway_id = ?", gatewayId).get(0));
        this.journalled = ((Number) journal.get("n")).intValue();
        this.oldestJournalled = journal.get("oldest") == null ? 0 : ((Number) journal.get("oldest")).longValue();
    }

    /**
     * Seals early under load: at a group commit, as soon as at least {@code size} packets are pending and the oldest
     * has waited {@code afterMs}, rather than when they make a full batch (0 or less: off).
     */
    void sealEarly(int size, long afterMs) {
        earlySize = size <= 0 ? Integer.MAX_VALUE : size;
        earlyMs = size <= 0 ? Long.MAX_VALUE : afterMs;
    }

    /** Whether the journal holds packets whose oldest has waited the batch timeout. */
    boolean due(long now) {
        return journalled > 0 && now - oldestJournalled >= batchTimeoutMs;
    }

    /**
     * Seals {@code accepted} with the journal when together they make a batch, or when the oldest of them has waited
     * the batch timeout (under load the group commit seals on time itself, between the timer's checks); else
     * journals them.
     */
    Sealing place(Connection c, List<ReplayGuard.Pending> accepted, long now) throws SQLException {
        long oldest = journalled > 0 ? oldestJournalled : Long.MAX_VALUE;
        for (ReplayGuard.Pending p : accepted) {
            oldest = Math.min(oldest, p.receivedAt());
        }
        int pending = journalled + accepted.size();
        boolean due = oldest != Long.MAX_VALUE && (now - oldest >= batchTimeoutMs
                || pending >= earlySize && now - oldest >= earlyMs);
        return pending >= batchSize || due ? sealAll(c, accepted) : journal(c, accepted);
    }

    void apply(Sealing sealing) {
        if (sealing != null) {
            journalled = sealing.journalledAfter();
            oldestJournalled = sealing.oldestAfter();
        }
    }

    /**
     * Seals the journal and then {@code fresh}, in order, into as few batches of at most the batch size as hold them,
     * evenly filled (a full batch and a sliver would anchor the sliver at a full batch's gas), and empties the journal.
     */
    Sealing sealAll(Connection c, List<ReplayGuard.Pending> fresh) throws SQLException {
        List<String> logs = new ArrayList<>();
        if (journalled > 0) {
            for (Map<String, Object> row : Tx.rows(c,
                    "select canonical from gateway_pending where gateway_id = ? order by id", gatewayId)) {
                logs.add((String) row.get("canonical"));
            }
            Tx.update(c, "delete from gateway_pending where gateway_id = ?", gatewayId);
        }
        fresh.forEach(p -> logs.add(p.packet().canonicalJson()));
        List<UUID> batches = new ArrayList<>();
        int count = (logs.size() + batchSize - 1) / batchSize;
        for (int b = 0, from = 0; b < count; b++) {
            int to = (int) ((long) logs.size() * (b + 1) / count);
            batches.add(sealOne(c, logs.subList(from, to)));
            from = to;
        }
        return new Sealing(batches, 0, 0);
    }

    /** Keeps {@code fresh} in the journal until the journal makes a batch or its oldest packet times out. */
    private Sealing journal(Connection c, List<ReplayGuard.Pending> fresh) throws SQLException {
        if (fresh.isEmpty()) {
            return new Sealing(List.of(), journalled, oldestJournalled);
        }
        long oldest = journalled == 0 ? Long.MAX_VALUE : oldestJournalled;
        try (PreparedStatement insert = c.prepareStatement("insert into gateway_pending (gateway_id, device_id,"
                + " sequence_no, canonical, received_at) values (?, ?, ?, ?, ?)")) {
            for (ReplayGuard.Pending p : fresh) {
                insert.setString(1, gatewayId);
                insert.setString(2, p.packet().deviceId());
                insert.setLong(3, p.packet().sequenceNo());
                insert.setString(4, p.packet().canonicalJson());
                insert.setLong(5, p.receivedAt());
                insert.addBatch();
                oldest = Math.min(oldest, p.receivedAt());
            }
            insert.executeBatch();
        }
        return new Sealing(List.of(), journalled + fresh.size(), oldest);
    }

    /** Puts one batch of canonical logs, in order, into the outbox with its RFC 6962 root. */
    private UUID sealOne(Connection c, List<String> logs) throws SQLException {
        List<byte[]> leaves = new ArrayList<>(logs.size());
        logs.forEach(l -> leaves.add(l.getBytes(StandardCharsets.UTF_8)));
        Batch batch = new Batch(UUID.randomUUID(), gatewayId, System.currentTimeMillis(), logs, MerkleTree.rootHex(leaves));
        Tx.update(c, "insert into gateway_outbox (batch_id, gateway_id, created_at, batch_hash, log_count, body, state,"
                + " attempts, next_attempt_at) values (?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
                batch.batchId(), gatewayId, batch.createdAt(), batch.batchHash(), logs.size(), toJson(batch),
                batch.createdAt());
        return batch.batchId();
    }

    /** The PROTOCOL §3 wire form; logs are written as their canonical JSON, unchanged. */
    static String toJson(Batch batch) {
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
