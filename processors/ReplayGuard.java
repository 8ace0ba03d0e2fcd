package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import io.vigil.db.Tx;
import io.vigil.model.AdmitVerdict;
import io.vigil.model.Blame;
import io.vigil.model.Packet;
import io.vigil.model.ReplayDetectedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * The gateway's group commit (PROTOCOL §1 replay window, §3 batches). The {@code group-commit} aggregate in
 * {@code routes/gateway/mqtt-ingest.camel.yaml} hands over a group of verified packets, with their MQTT acks; one
 * transaction then classifies each packet against its device's window (new, transport duplicate or replay),
 * advances the windows, and places the new packets: when they and the journal make at least a batch, all of them are
 * sealed into RFC 6962 batches in the outbox at once (under load, nothing touches the journal); otherwise they wait
 * in the journal until they do, or until the oldest has waited the batch timeout ({@link #sealDue}), so that a quiet
 * fleet still fills its batches and does not pay a ledger anchor for every few packets. The acks go out only after
 * that commit, so a crash at any point either keeps a packet (committed, then acked or redelivered as a duplicate) or
 * leaves it unacknowledged for the broker to redeliver: nothing lost, nothing stored twice.
 *
 * <p>Each device has a window row (highest accepted sequence) and the digests of the packets accepted inside the
 * window. Window rows are locked in sorted order, so gateways sharing one database cannot deadlock.
 */
public class ReplayGuard {

    /**
     * A verified packet waiting in a group: its raw payload goes to quarantine should it prove a replay.
     * {@code settlesHere}: for a packet the embedded broker handed over, whether this path records it (false once the
     * broker's queue took it over); null otherwise.
     */
    public record Pending(Packet packet, String rawPayload, long receivedAt, BooleanSupplier settlesHere) {
        public Pending(Packet packet, String rawPayload, long receivedAt) {
            this(packet, rawPayload, receivedAt, null);
        }
    }

    /** A packet of the group refused as a replay, with the error the quarantine records. */
    public record Rejected(Pending pending, ReplayDetectedException error) {
    }

    /** What one commit did: packets accepted and sealed, transport duplicates dropped, replays refused, batches. */
    public record GroupOutcome(int accepted, int duplicates, List<Rejected> rejected, List<UUID> batches) {
    }

    private final DataSource dataSource;
    private final int window;
    private final BatchJournal journal;
    private volatile boolean failing;
    /** When the commit in progress began (0: none): a commit that runs long is a database that does not answer. */
    private volatile long commitSince;

    public ReplayGuard(DataSource dataSource, int window, String gatewayId, int batchSize, long batchTimeoutMs) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("VIGIL_BATCH_SIZE must be at least 1");
        }
        this.dataSource = dataSource;
        this.window = window;
        this.journal = new BatchJournal(dataSource, gatewayId, batchSize, batchTimeoutMs);
    }

    /**
     * Commits one group in one transaction: windows advanced, and the new packets either sealed into batches (when
     * they and the journal make at least a batch, or the oldest of them has waited the batch timeout by {@code now})
     * or journalled until they do.
     */
    public synchronized GroupOutcome commit(List<Pending> group, long now) {
        BatchJournal.Sealing[] sealing = new BatchJournal.Sealing[1];
        GroupOutcome outcome;
        commitSince = System.currentTimeMillis();
        try {
            outcome = Tx.inTransaction(dataSource, c -> commit(c, group, now, sealing));
        } catch (RuntimeException e) {
            failing = true;
            throw e;
        } finally {
            commitSince = 0;
        }
        failing = false;
        journal.apply(sealing[0]);
        return outcome;
    }

    /**
     * Whether the last group commit went through (false from a failed one until one succeeds): the embedded broker
     * hands packets over in process only then, and otherwise queues them for the gateway's session.
     */
    public boolean committing() {
        return !failing;
    }

    /**
     * Seals at a group commit as soon as at least {@code size} packets are pending and the oldest has waited
     * {@code afterMs} ({@code VIGIL_BATCH_EARLY_SIZE}, {@code VIGIL_BATCH_EARLY_MS}; size 0: only full batches or the
     * batch timeout).
     */
    public ReplayGuard sealEarly(int size, long afterMs) {
        journal.sealEarly(size, afterMs);
        return this;
    }

    /** When the group commit in progress began, or 0 when none is (the hand-off's sign of a database that hangs). */
    public long commitRunningSince() {
        return commitSince;
    }

    /** Seals the journal when its oldest packet has waited the batch timeout (the batch-timeout timer). */
    public synchronized GroupOutcome sealDue(long now) {
        if (!journal.due(now)) {
            return new GroupOutcome(0, 0, List.of(), List.of());
        }
        BatchJournal.Sealing[] sealing = new BatchJournal.Sealing[1];
        List<UUID> batches;
        commitSince = System.currentTimeMillis();
        try {
            batches = Tx.inTransaction(dataSource, c -> {
                sealing[0] = journal.sealAll(c, List.of());
                return sealing[0].batches();
            });
        } finally {
            commitSince = 0;
        }
        journal.apply(sealing[0]);
        return new GroupOutcome(0, 0, List.of(), batches);
    }

    /** One packet on its own (tools and tests): its verdict, or the replay as an exception. */
    public AdmitVerdict admit(Packet packet, long now) {
        GroupOutcome outcome = commit(List.of(new Pending(packet, packet.canonicalJson(), now)), now);
        if (!outcome.rejected().isEmpty()) {
            throw outcome.rejected().get(0).error();
        }
        return outcome.accepted() == 1 ? AdmitVerdict.ACCEPTED : AdmitVerdict.DUPLICATE;
    }

    private GroupOutcome commit(Connection c, List<Pending> group, long now, BatchJournal.Sealing[] sealing)
            throws SQLException {
        Map<String, Long> high = lockWindows(c, group);
        Map<String, Long> highBefore = new HashMap<>(high);
        Map<String, String> acceptedHere = new HashMap<>();
        List<Pending> accepted = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        int duplicates = 0;
        try (PreparedStatement seen = c.prepareStatement(
                "select digest from replay_seen where device_id = ? and sequence_no = ?")) {
            for (Pending p : group) {
                String device = p.packet().deviceId();
                long seq = p.packet().sequenceNo();
                long deviceHigh = high.get(device);
                if (deviceHigh >= 0 && seq <= deviceHigh - window) {
                    rejected.add(new Rejected(p, new ReplayDetectedException(device, seq,
                            "sequence_no " + seq + " is below the replay window (highest accepted " + deviceHigh + ")",
                            Blame.ANYONE)));
                    continue;
                }
                String digest = HexFormat.of().formatHex(Ed25519.sha256(p.packet().canonical()));
                String key = device + '\u0000' + seq;
                String known = acceptedHere.get(key);
                if (known == null && seq <= highBefore.get(device)) {
                    seen.setString(1, device);
                    seen.setLong(2, seq);
                    try (var rs = seen.executeQuery()) {
                        known = rs.next() ? rs.getString(1) : null;
                    }
                }
                if (known != null) {
                    if (known.equals(digest)) {
                        duplicates++;
                    } else {
                        rejected.add(new Rejected(p, new ReplayDetectedException(device, seq,
                                "sequence_no " + seq + " was already accepted with different content", Blame.KEY_HOLDER)));
                    }
                    continue;
                }
                acceptedHere.put(key, digest);
                high.put(device, Math.max(deviceHigh, seq));
                accepted.add(p);
                digests.add(digest);
            }
        }
        if (accepted.isEmpty()) {
            return new GroupOutcome(0, duplicates, rejected, List.of());
        }
        try (PreparedStatement insertSeen = c.prepareStatement(
                "insert into replay_seen (device_id, sequence_no, digest) values (?, ?, ?)")) {
            for (int i = 0; i < accepted.size(); i++) {
                insertSeen.setString(1, accepted.get(i).packet().deviceId());
                insertSeen.setLong(2, accepted.get(i).packet().sequenceNo());
                insertSeen.setString(3, digests.get(i));
                insertSeen.addBatch();
            }
            insertSeen.executeBatch();
        }
        try (PreparedStatement advance = c.prepareStatement("update replay_window set high_seq = ? where device_id = ?");
                PreparedStatement prune = c.prepareStatement(
                        "delete from replay_seen where device_id = ? and sequence_no <= ?")) {
            for (Map.Entry<String, Long> entry : high.entrySet()) {
                if (entry.getValue() > highBefore.get(entry.getKey())) {
                    advance.setLong(1, entry.getValue());
                    advance.setString(2, entry.getKey());
                    advance.addBatch();
                    prune.setString(1, entry.getKey());
                    prune.setLong(2, entry.getValue() - window);
                    prune.addBatch();
                }
            }
            advance.executeBatch();
            prune.executeBatch();
        }
        sealing[0] = journal.place(c, accepted, now);
        return new GroupOutcome(accepted.size(), duplicates, rejected, sealing[0].batches());
    }

    /** Locks (creating if needed) the window rows of the group's devices in sorted order; -1 means none accepted yet. */
    private static Map<String, Long> lockWindows(Connection c, List<Pending> group) throws SQLException {
        TreeSet<String> devices = new TreeSet<>();
        group.forEach(p -> devices.add(p.packet().deviceId()));
        Map<String, Long> high = new HashMap<>();
        try (PreparedStatement lock = c.prepareStatement("select high_seq from replay_window where device_id = ? for update");
                PreparedStatement create = c.prepareStatement(
                        "insert into replay_window (device_id, high_seq) values (?, -1) on conflict do nothing")) {
            for (String device : devices) {
                Long value = lockOne(lock, device);
                if (value == null) {
                    create.setString(1, device);
                    create.executeUpdate();
                    value = lockOne(lock, device);
                }
                high.put(device, value);
            }
        }
        return high;
    }

    private static Long lockOne(PreparedStatement lock, String device) throws SQLException {
        lock.setString(1, device);
        try (var rs = lock.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }
}
