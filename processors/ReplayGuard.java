package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import io.vigil.db.Tx;
import io.vigil.model.AdmitVerdict;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay-guard stage (PROTOCOL §1), and the gateway's durable hand-off. Each device has a window row
 * (highest accepted sequence) and the digests of the packets accepted inside the window. A packet is a
 * transport duplicate (same sequence, same canonical bytes), a replay (same sequence, other bytes, or
 * below the window) or new; a new packet advances the window and is journalled for the next batch in the
 * same transaction, so a crash can neither lose an accepted packet nor let a redelivered one through twice.
 *
 * <p>Group commit: callers block in {@link #admit} while one writer thread classifies everything queued in
 * one transaction, locking the devices' window rows in sorted order (so gateways sharing the database
 * cannot deadlock). A caller returns only after its packet's transaction committed; the MQTT ack follows.
 */
public class ReplayGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayGuard.class);

    private record Request(Packet packet, String digest, long now, CompletableFuture<AdmitVerdict> verdict) {
    }

    private final DataSource dataSource;
    private final int window;
    private final String gatewayId;
    private final int maxGroup;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;

    public ReplayGuard(DataSource dataSource, int window, String gatewayId) {
        this(dataSource, window, gatewayId, 512);
    }

    public ReplayGuard(DataSource dataSource, int window, String gatewayId, int maxGroup) {
        this.dataSource = dataSource;
        this.window = window;
        this.gatewayId = gatewayId;
        this.maxGroup = maxGroup;
        this.writer = new Thread(this::writeLoop, "vigil-replay-guard");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Admits a verified packet, returning once its verdict is committed; throws {@link ReplayDetectedException}. */
    public AdmitVerdict admit(Packet packet, long now) {
        if (!running) {
            throw new IllegalStateException("replay guard is stopped");
        }
        String digest = HexFormat.of().formatHex(Ed25519.sha256(packet.canonical()));
        Request request = new Request(packet, digest, now, new CompletableFuture<>());
        queue.add(request);
        try {
            return request.verdict().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the replay guard", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("replay guard did not answer within 60 s", e);
        }
    }

    private void writeLoop() {
        List<Request> group = new ArrayList<>(maxGroup);
        while (running || !queue.isEmpty()) {
            try {
                Request first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.clear();
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
                Map<Request, RuntimeException> rejected = new HashMap<>();
                Map<Request, AdmitVerdict> verdicts;
                try {
                    verdicts = Tx.inTransaction(dataSource, c -> classify(c, group, rejected));
                } catch (RuntimeException e) {
                    group.forEach(r -> r.verdict().completeExceptionally(e));
                    continue;
                }
                for (Request r : group) {
                    RuntimeException rejection = rejected.get(r);
                    if (rejection != null) {
                        r.verdict().completeExceptionally(rejection);
                    } else {
                        r.verdict().complete(verdicts.get(r));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("replay guard writer failed", e);
            }
        }
    }

    private Map<Request, AdmitVerdict> classify(Connection c, List<Request> group, Map<Request, RuntimeException> rejected)
            throws SQLException {
        Map<String, Long> high = lockWindows(c, group);
        Map<String, Long> highBefore = new HashMap<>(high);
        Map<String, String> acceptedHere = new HashMap<>();
        Map<Request, AdmitVerdict> verdicts = new HashMap<>();
        List<Request> accepted = new ArrayList<>();
        try (PreparedStatement seen = c.prepareStatement(
                "select digest from replay_seen where device_id = ? and sequence_no = ?")) {
            for (Request r : group) {
                String device = r.packet().deviceId();
                long seq = r.packet().sequenceNo();
                long deviceHigh = high.get(device);
                if (deviceHigh >= 0 && seq <= deviceHigh - window) {
                    rejected.put(r, new ReplayDetectedException(device, seq,
                            "sequence_no " + seq + " is below the replay window (highest accepted " + deviceHigh + ")",
                            io.vigil.model.Blame.ANYONE));
                    continue;
                }
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
                    if (known.equals(r.digest())) {
                        verdicts.put(r, AdmitVerdict.DUPLICATE);
                    } else {
                        rejected.put(r, new ReplayDetectedException(device, seq,
                                "sequence_no " + seq + " was already accepted with different content",
                                io.vigil.model.Blame.KEY_HOLDER));
                    }
                    continue;
                }
                acceptedHere.put(key, r.digest());
                high.put(device, Math.max(deviceHigh, seq));
                accepted.add(r);
                verdicts.put(r, AdmitVerdict.ACCEPTED);
            }
        }
        if (accepted.isEmpty()) {
            return verdicts;
        }
        try (PreparedStatement insertSeen = c.prepareStatement(
                "insert into replay_seen (device_id, sequence_no, digest) values (?, ?, ?)");
                PreparedStatement journal = c.prepareStatement("insert into gateway_pending (gateway_id, device_id,"
                        + " sequence_no, canonical, received_at) values (?, ?, ?, ?, ?)")) {
            for (Request r : accepted) {
                insertSeen.setString(1, r.packet().deviceId());
                insertSeen.setLong(2, r.packet().sequenceNo());
                insertSeen.setString(3, r.digest());
                insertSeen.addBatch();
                journal.setString(1, gatewayId);
                journal.setString(2, r.packet().deviceId());
                journal.setLong(3, r.packet().sequenceNo());
                journal.setString(4, r.packet().canonicalJson());
                journal.setLong(5, r.now());
                journal.addBatch();
            }
            insertSeen.executeBatch();
            journal.executeBatch();
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
        return verdicts;
    }

    /** Locks (creating if needed) the window rows of the group's devices in sorted order; -1 means none accepted yet. */
    private static Map<String, Long> lockWindows(Connection c, List<Request> group) throws SQLException {
        TreeSet<String> devices = new TreeSet<>();
        group.forEach(r -> devices.add(r.packet().deviceId()));
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

    /** Lets queued packets finish, then stops the writer. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
