package io.vigil.processors;

import io.vigil.model.BatchOutcome;
import io.vigil.model.StoredLog;
import io.vigil.model.Verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.MerkleTree;
import io.vigil.db.Tx;
import io.vigil.model.Packet;
import io.vigil.model.PacketRejectedException;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Server-ingest stage: checks a gateway batch (shape, the RFC 6962 root recomputed, and every log itself: schema,
 * the device's Ed25519 signature under its provisioned key, sanity; PROTOCOL v1.1 §3, so a gateway token alone can
 * never create, alter or pre-empt a log), then stores batch and logs in one transaction, once per batch_id. A log
 * already stored with the same bytes (another batch got there first) is not stored twice; one stored with other
 * bytes is a replay event for that log alone. Either way the other logs are stored and the batch still verifies.
 */
public class BatchStore {

    private static final Pattern HEX64 = Pattern.compile("^[0-9a-f]{64}$");

    /**
     * A batch that passed every check, not yet stored: {@code known} if its batch_id is already stored (a
     * resend); {@code verdicts} once the ML stage has scored it.
     */
    public record Parsed(UUID batchId, String gatewayId, long createdAt, String batchHash, JsonNode logs,
            List<Packet> packets, boolean known, List<Verdict> verdicts) {
        public Parsed withVerdicts(List<Verdict> v) {
            return new Parsed(batchId, gatewayId, createdAt, batchHash, logs, packets, known, List.copyOf(v));
        }
    }

    private final DataSource dataSource;
    private final PacketValidator validator;
    private final int maxLogs;
    private final LedgerOutbox ledger;
    private final SignatureVerifier signatures;
    private final SanityChecker sanity;
    private final long maxSkewMs;
    private final long maxBatchAgeMs;
    private final SecurityEventRecorder recorder;

    /**
     * {@code sanity} checks each log's values and its timestamp against the batch's {@code created_at} (its skew
     * allowance covers the gateway's own skew check plus batching); {@code created_at} itself may be at most
     * {@code maxSkewMs} ahead of server time and {@code maxBatchAgeMs} behind it (a gateway's outage backlog).
     */
    public BatchStore(DataSource dataSource, PacketValidator validator, int maxLogs, LedgerOutbox ledger,
            SignatureVerifier signatures, SanityChecker sanity, long maxSkewMs, long maxBatchAgeMs,
            SecurityEventRecorder recorder) {
        this.dataSource = dataSource;
        this.validator = validator;
        this.maxLogs = maxLogs;
        this.ledger = ledger;
        this.signatures = signatures;
        this.sanity = sanity;
        this.maxSkewMs = maxSkewMs;
        this.maxBatchAgeMs = maxBatchAgeMs;
        this.recorder = recorder;
    }

    /** Parses and checks a gateway batch (400/422 on anything wrong); nothing is stored yet. */
    public Parsed parse(byte[] body) {
        JsonNode tree;
        try {
            tree = CanonicalJson.parse(body);
        } catch (IOException e) {
            throw new BadRequestException("batch is not valid JSON", e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new BadRequestException("batch must be a JSON object", null);
        }
        UUID batchId = uuid(tree.path("batch_id"));
        String gatewayId = text(tree.path("gateway_id"), "gateway_id");
        if (!DeviceRegistry.DEVICE_ID.matcher(gatewayId).matches()) {
            throw new BadRequestException("gateway_id must match " + DeviceRegistry.DEVICE_ID.pattern(), gatewayId);
        }
        JsonNode createdAt = tree.path("created_at");
        if (!createdAt.canConvertToExactIntegral()) {
            throw new BadRequestException("created_at must be epoch milliseconds", null);
        }
        String batchHash = text(tree.path("batch_hash"), "batch_hash");
        if (!HEX64.matcher(batchHash).matches()) {
            throw new BadRequestException("batch_hash must be 64 lowercase hex digits", batchHash);
        }
        JsonNode logs = tree.path("logs");
        if (!logs.isArray() || logs.isEmpty() || logs.size() > maxLogs) {
            throw new BadRequestException("logs must be an array of 1 to " + maxLogs + " packets", null);
        }
        long now = System.currentTimeMillis();
        if (createdAt.asLong() > now + maxSkewMs || createdAt.asLong() < now - maxBatchAgeMs) {
            throw new BatchRejectedException("created_at is more than " + maxSkewMs + " ms ahead of server time or more than "
                    + maxBatchAgeMs + " ms behind it", Map.of("created_at", createdAt.asLong(), "server_time", now));
        }
        List<Packet> packets = new ArrayList<>(logs.size());
        List<byte[]> leaves = new ArrayList<>(logs.size());
        for (int i = 0; i < logs.size(); i++) {
            Packet packet;
            try {
                packet = validator.fromTree(logs.get(i));
            } catch (PacketRejectedException e) {
                throw ApiErrors.refusedLog(i, null, e);
            }
            try {
                // The server does not take the gateway's word (§3): the device's own signature, then sanity.
                signatures.reverify(packet);
                sanity.check(packet, createdAt.asLong());
            } catch (PacketRejectedException e) {
                throw ApiErrors.refusedLog(i, packet, e);
            }
            packets.add(packet);
            leaves.add(packet.canonical());
        }
        String recomputed = MerkleTree.rootHex(leaves);
        if (!recomputed.equals(batchHash)) {
            throw new BatchRejectedException("batch_hash does not match the logs",
                    Map.of("batch_hash", batchHash, "recomputed_hash", recomputed));
        }
        boolean known = !Tx.read(dataSource, c -> Tx.rows(c, "select 1 as x from batches where batch_id = ?", batchId))
                .isEmpty();
        return new Parsed(batchId, gatewayId, createdAt.asLong(), batchHash, logs, packets, known, null);
    }

    /** Stores a parsed batch, its logs with their verdicts, its ML alerts and its ledger rows, once per batch_id. */
    public BatchOutcome store(Parsed batch, long now) {
        UUID batchId = batch.batchId();
        String gatewayId = batch.gatewayId();
        String batchHash = batch.batchHash();
        List<Packet> packets = batch.packets();
        JsonNode logs = batch.logs();
        List<Verdict> verdicts = batch.verdicts();
        List<Packet> conflicts = new ArrayList<>();
        BatchOutcome outcome = Tx.inTransaction(dataSource, c -> {
            conflicts.clear();
            int inserted = Tx.update(c, "insert into batches (batch_id, gateway_id, created_at, received_at, log_count,"
                    + " batch_hash) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
                    batchId, gatewayId, batch.createdAt(), now, packets.size(), batchHash);
            if (inserted == 0) {
                String known = (String) Tx.rows(c, "select batch_hash from batches where batch_id = ?", batchId)
                        .get(0).get("batch_hash");
                if (!known.equals(batchHash)) {
                    throw new ConflictException("batch_id already stored with another batch_hash", batchId.toString());
                }
                return new BatchOutcome(true, batchId, batchHash, List.of());
            }
            List<StoredLog> stored = new ArrayList<>(packets.size());
            try (PreparedStatement insert = c.prepareStatement("insert into logs (device_id, sequence_no, type,"
                    + " device_timestamp, cpu_usage, battery_level, sensors, sig, canonical, batch_id, leaf_index, stored_at,"
                    + " ml_label, ml_score, ml_model) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " on conflict do nothing")) {
                for (int i = 0; i < packets.size(); i++) {
                    Packet p = packets.get(i);
                    insert.setString(1, p.deviceId());
                    insert.setLong(2, p.sequenceNo());
                    insert.setString(3, p.type().wire());
                    insert.setLong(4, p.timestamp());
                    insert.setDouble(5, p.cpuUsage());
                    insert.setDouble(6, p.batteryLevel());
                    insert.setString(7, sensorsJson((ObjectNode) logs.get(i)));
                    insert.setString(8, p.sig());
                    insert.setString(9, p.canonicalJson());
                    insert.setObject(10, batchId);
                    insert.setInt(11, i);
                    insert.setLong(12, now);
                    Verdict v = verdicts == null ? null : verdicts.get(i);
                    insert.setString(13, v == null ? null : v.label());
                    if (v == null) {
                        insert.setNull(14, java.sql.Types.DOUBLE);
                    } else {
                        insert.setDouble(14, v.score());
                    }
                    insert.setString(15, v == null ? null : v.model());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            // Which leaves became logs of this batch; the others are already stored (§3), kept as leaves only.
            java.util.Set<Integer> mine = new java.util.HashSet<>();
            for (Map<String, Object> row : Tx.rows(c, "select leaf_index from logs where batch_id = ?", batchId)) {
                mine.add(((Number) row.get("leaf_index")).intValue());
            }
            boolean[] stillNew = new boolean[packets.size()];
            for (int i = 0; i < packets.size(); i++) {
                Packet p = packets.get(i);
                stillNew[i] = mine.contains(i);
                if (stillNew[i]) {
                    stored.add(new StoredLog(batchId, i, now, p, verdicts == null ? null : verdicts.get(i), null, 0));
                    continue;
                }
                List<Map<String, Object>> existing = Tx.rows(c, "select canonical, batch_id from logs"
                        + " where device_id = ? and sequence_no = ?", p.deviceId(), p.sequenceNo());
                boolean same = !existing.isEmpty() && p.canonicalJson().equals(existing.get(0).get("canonical"));
                Tx.update(c, "insert into batch_leaves (batch_id, leaf_index, canonical, stored_in, conflict)"
                        + " values (?, ?, ?, ?, ?)", batchId, i, p.canonicalJson(),
                        existing.isEmpty() ? null : existing.get(0).get("batch_id"), !same);
                if (!same) {
                    conflicts.add(p);
                }
            }
            try (PreparedStatement seen = c.prepareStatement(
                    "update devices set last_seen = greatest(coalesce(last_seen, 0), ?) where device_id = ?")) {
                Map<String, Long> lastSeen = new LinkedHashMap<>();
                for (StoredLog log : stored) {
                    lastSeen.merge(log.packet().deviceId(), log.packet().timestamp(), Math::max);
                }
                for (Map.Entry<String, Long> e : lastSeen.entrySet()) {
                    seen.setLong(1, e.getValue());
                    seen.setString(2, e.getKey());
                    seen.addBatch();
                }
                seen.executeBatch();
            }
            // ML alerts are episodes of a device's anomalous logs (MlEpisodes); a log of a raised episode carries it.
            int maxScore = 0;
            for (int i = 0; verdicts != null && i < verdicts.size(); i++) {
                maxScore = Math.max(maxScore, LedgerOutbox.basisPoints(verdicts.get(i).score()));
            }
            Map<Integer, MlEpisodes.Episode> episodes = MlEpisodes.record(c, packets, verdicts, stillNew, batchId,
                    batchHash, gatewayId, now, ledger);
            for (int k = 0; k < stored.size(); k++) {
                MlEpisodes.Episode e = episodes.get(stored.get(k).leafIndex());
                if (e != null && e.raised()) {
                    StoredLog l = stored.get(k);
                    stored.set(k, new StoredLog(batchId, l.leafIndex(), now, l.packet(), l.verdict(), e.id(), e.count()));
                }
            }
            // Ledger outbox, in this transaction: the anchor with the batch's largest anomaly score, then +1 trust
            // per valid heartbeat (summed per device: all deltas are +1, so the clamped result is the same as one
            // at a time).
            ledger.anchor(c, batchId, gatewayId, batchHash, batch.createdAt(), packets.size(), maxScore, now);
            io.vigil.db.Counters.add(c, "batches", 1);
            io.vigil.db.Counters.add(c, "stored", stored.size());
            io.vigil.db.Counters.add(c, "ml_anomalous_logs",
                    stored.stream().filter(l -> l.verdict() != null && "anomalous".equals(l.verdict().label())).count());
            Map<String, Integer> heartbeats = new java.util.TreeMap<>();
            // Only heartbeats stored now count: the same genuine heartbeat posted again adds nothing.
            for (StoredLog log : stored) {
                if (log.packet().type() == io.vigil.model.PacketType.HEARTBEAT) {
                    heartbeats.merge(log.packet().deviceId(), LedgerOutbox.HEARTBEAT_DELTA, Integer::sum);
                }
            }
            for (Map.Entry<String, Integer> h : heartbeats.entrySet()) {
                ledger.trust(c, h.getKey(), h.getValue(), now, now);
            }
            return new BatchOutcome(false, batchId, batchHash, stored);
        });
        // Two validly signed packets with one sequence number and other bytes: a replay by the key holder (§3, §4).
        for (Packet p : conflicts) {
            recorder.record(new io.vigil.model.ReplayDetectedException(p.deviceId(), p.sequenceNo(), "batch " + batchId
                    + " from gateway " + gatewayId + " holds sequence_no " + p.sequenceNo()
                    + ", already stored with other content", io.vigil.model.Blame.KEY_HOLDER),
                    p.canonicalJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), now);
        }
        return outcome;
    }

    private static String sensorsJson(ObjectNode log) {
        return new String(CanonicalJson.bytes(log.get("sensors")), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static UUID uuid(JsonNode node) {
        try {
            return UUID.fromString(text(node, "batch_id"));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("batch_id must be a UUID", null);
        }
    }

    private static String text(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw new BadRequestException(field + " must be a string", null);
        }
        return node.asText();
    }
}
