package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.MerkleTree;
import io.vigil.db.Tx;
import io.vigil.model.SecurityEventKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import io.vigil.ledger.Ledger;
import io.vigil.ledger.LedgerConnector;
import javax.sql.DataSource;

/**
 * The read side of the REST API (PROTOCOL §6). On-chain facts (a device's trust, a batch's anchored root,
 * an anchor's block) are read from the ledger node, not from the database; lists show trust as the chain's
 * last TrustChanged event reported it. ML fields are null until ML verdicts exist.
 */
public class ApiQueries {

    private static final long SILENT_AFTER_MS = 5 * 60_000L;

    private final DataSource dataSource;
    private final LedgerConnector ledger;
    private final String commandPublicKey;
    private final io.vigil.crypto.FieldCipher cipher;

    /** {@code ledger} null: no ledger configured (trust and on-chain fields stay null). */
    public ApiQueries(DataSource dataSource, LedgerConnector ledger, String commandPublicKey,
            io.vigil.crypto.FieldCipher cipher) {
        this.cipher = cipher;
        this.dataSource = dataSource;
        this.ledger = ledger;
        this.commandPublicKey = commandPublicKey;
    }

    /** Devices by id, paged (PROTOCOL v1.1 §6). */
    public Map<String, Object> devices(Integer limit, String cursor, long now) {
        int n = Paging.limit(limit);
        String[] after = Paging.key("devices", cursor, 1);
        String from = after == null ? "" : after[0];
        return Tx.read(dataSource, c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> row : Tx.rows(c, "select device_id, public_key, provisioned_at, last_seen,"
                    + " trust_score from devices where device_id > ? order by device_id limit ?", from, n + 1)) {
                out.add(device(row, c, now));
            }
            return Paging.page("devices", out, n, d -> new Object[] {d.get("device_id")});
        });
    }

    public Map<String, Object> device(String deviceId, long now) {
        if (!isDeviceId(deviceId)) {
            throw new ApiException(404, "no device " + printable(deviceId), null);
        }
        Map<String, Object> d = Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select device_id, public_key, provisioned_at, last_seen,"
                    + " trust_score from devices where device_id = ?", deviceId);
            if (rows.isEmpty()) {
                throw new ApiException(404, "no device " + deviceId, null);
            }
            Map<String, Object> one = device(rows.get(0), c, now);
            one.put("trust_history", Tx.rows(c, "select previous, current_score as trust_score, delta, tx_hash,"
                    + " block_number, recorded_at from trust_history where device_id = ? order by id desc limit 50", deviceId));
            List<Map<String, Object>> commands = Tx.rows(c, "select command_id, action, params, issued_at, decision,"
                    + " trust_score, threshold from device_commands where device_id = ? order by issued_at desc limit 20",
                    deviceId);
            for (Map<String, Object> command : commands) {
                command.put("command_id", String.valueOf(command.get("command_id")));
                command.put("params", json((String) command.get("params")));
                // QoS 1: "published" means the broker acknowledged it; PROTOCOL §2 has no acknowledgement from devices.
                command.put("delivery", "published".equals(command.get("decision")) ? "accepted_by_broker"
                        : "refused".equals(command.get("decision")) ? "not_sent" : "pending");
            }
            one.put("commands", commands);
            return one;
        });
        // The one device's trust and the threshold as the chain says now.
        if (ledger != null) {
            Optional<Ledger> chain = ledger.get();
            if (chain.isPresent()) {
                try {
                    d.put("trust_score", chain.get().trustOf(deviceId));
                    d.put("command_threshold", chain.get().commandThreshold());
                    d.put("trust_source", "chain");
                } catch (IOException e) {
                    d.put("trust_source", "last_event");
                }
            } else {
                d.put("trust_source", "last_event");
            }
        }
        return d;
    }

    private Map<String, Object> device(Map<String, Object> row, java.sql.Connection c, long now)
            throws java.sql.SQLException {
        String id = (String) row.get("device_id");
        Object lastSeen = row.get("last_seen");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("device_id", id);
        d.put("public_key", row.get("public_key"));
        d.put("provisioned_at", row.get("provisioned_at"));
        d.put("last_seen", lastSeen);
        d.put("status", lastSeen == null ? "never_seen"
                : now - ((Number) lastSeen).longValue() > SILENT_AFTER_MS ? "silent" : "active");
        // Trust as the last on-chain TrustChanged event said; a device the chain never changed is at 100.
        Object trust = row.get("trust_score");
        d.put("trust_score", ledger == null ? null : trust == null ? 100 : trust);
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("logs", count(c, "select count(*) as n from logs where device_id = ?", id));
        counters.put("security_events", count(c, "select count(*) as n from security_events where device_id = ?", id));
        counters.put("ml_alerts", count(c, "select count(*) as n from ml_alerts where device_id = ?", id));
        d.put("counters", counters);
        // The device's streaming model as last saved (it survives restarts): packets it has learned from.
        Map<String, Object> ml = new LinkedHashMap<>();
        List<Map<String, Object>> state = Tx.rows(c, "select context, updated_at, forest from ml_device_state"
                + " where device_id = ?", id);
        if (state.isEmpty()) {
            ml.put("packets_learned", 0);
            ml.put("saved_at", null);
            ml.put("forest_bytes", 0);
        } else {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"count\":(\\d+)")
                    .matcher((String) state.get(0).get("context"));
            ml.put("packets_learned", m.find() ? Long.parseLong(m.group(1)) : 0);
            ml.put("saved_at", state.get(0).get("updated_at"));
            ml.put("forest_bytes", state.get(0).get("forest") instanceof byte[] b ? b.length : 0);
        }
        d.put("ml", ml);
        return d;
    }

    /** Stored logs newest first (by arrival, or by sequence number for one device), paged. */
    public Map<String, Object> logs(String deviceId, Integer limit, String cursor) {
        int n = Paging.limit(limit);
        deviceFilter(deviceId);
        String list = deviceId == null ? "logs" : "logs:" + deviceId;
        String[] after = Paging.key(list, cursor, 1);
        long below = after == null ? Long.MAX_VALUE : Paging.longPart(after[0]);
        return Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = deviceId == null
                    ? Tx.rows(c, "select * from logs where id < ? order by id desc limit ?", below, n + 1)
                    : Tx.rows(c, "select * from logs where device_id = ? and sequence_no < ? order by sequence_no desc"
                            + " limit ?", deviceId, below, n + 1);
            List<Map<String, Object>> out = new ArrayList<>(rows.size());
            for (Map<String, Object> row : rows) {
                Map<String, Object> log = log(row);
                log.put("_key", deviceId == null ? row.get("id") : row.get("sequence_no"));
                out.add(log);
            }
            Map<String, Object> page = Paging.page(list, out, n, l -> new Object[] {l.get("_key")});
            out.forEach(l -> l.remove("_key"));
            return page;
        });
    }

    private static Map<String, Object> log(Map<String, Object> row) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("device_id", row.get("device_id"));
        l.put("sequence_no", row.get("sequence_no"));
        l.put("type", row.get("type"));
        l.put("timestamp", row.get("device_timestamp"));
        l.put("cpu_usage", row.get("cpu_usage"));
        l.put("battery_level", row.get("battery_level"));
        l.put("sensors", json((String) row.get("sensors")));
        l.put("sig", row.get("sig"));
        l.put("batch_id", String.valueOf(row.get("batch_id")));
        l.put("leaf_index", row.get("leaf_index"));
        l.put("stored_at", row.get("stored_at"));
        l.put("label", row.get("ml_label"));
        l.put("score", row.get("ml_score"));
        l.put("model", row.get("ml_model"));
        return l;
    }

    /** Security events newest first, paged. */
    public Map<String, Object> securityEvents(String deviceId, String kind, Integer limit, String cursor) {
        int n = Paging.limit(limit);
        deviceFilter(deviceId);
        String kindWire = kind == null ? null : kindOrBadRequest(kind);
        String[] after = Paging.key("security-events", cursor, 1);
        long below = after == null ? Long.MAX_VALUE : Paging.longPart(after[0]);
        return Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select id, kind, device_id, sequence_no, detail, payload,"
                    + " gateway_id, observed_at, tx_hash, attributable, incident_of, incident_count from security_events"
                    + " where id < ? and (cast(? as varchar) is null or device_id = ?)"
                    + " and (cast(? as varchar) is null or kind = ?) order by id desc limit ?",
                    below, deviceId, deviceId, kindWire, kindWire, n + 1);
            for (Map<String, Object> row : rows) {
                row.put("payload", payload(row));
            }
            return Paging.page("security-events", rows, n, e -> new Object[] {e.get("id")});
        });
    }

    /** The quarantined payload, decrypted for the reader; rows from before encryption are returned as stored. */
    private String payload(Map<String, Object> row) {
        String stored = (String) row.get("payload");
        if (stored == null || !stored.startsWith("v1:")) {
            return stored;
        }
        try {
            return cipher.decrypt(stored, SecurityEventRecorder.associatedData((String) row.get("gateway_id"),
                    ((Number) row.get("observed_at")).longValue(), (String) row.get("kind")));
        } catch (IllegalArgumentException e) {
            return "(encrypted with another VIGIL_DATA_KEY, or altered: " + e.getMessage() + ")";
        }
    }

    /** Batches newest first (by arrival, then id), paged. */
    public Map<String, Object> batches(Integer limit, String cursor) {
        int n = Paging.limit(limit);
        String[] after = Paging.key("batches", cursor, 2);
        long at = after == null ? Long.MAX_VALUE : Paging.longPart(after[0]);
        UUID id = after == null ? new UUID(0, 0) : uuid(after[1]);
        return Tx.read(dataSource, c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> row : Tx.rows(c, "select * from batches where received_at < ?"
                    + " or (received_at = ? and batch_id > ?) order by received_at desc, batch_id limit ?", at, at, id, n + 1)) {
                out.add(batch(row));
            }
            return Paging.page("batches", out, n, b -> new Object[] {b.get("received_at"), b.get("batch_id")});
        });
    }

    public Map<String, Object> batch(String batchId) {
        UUID id = uuid(batchId);
        return Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select * from batches where batch_id = ?", id);
            if (rows.isEmpty()) {
                throw new ApiException(404, "no batch " + batchId, null);
            }
            return batch(rows.get(0));
        });
    }

    private static Map<String, Object> batch(Map<String, Object> row) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("batch_id", String.valueOf(row.get("batch_id")));
        b.put("gateway_id", row.get("gateway_id"));
        b.put("created_at", row.get("created_at"));
        b.put("received_at", row.get("received_at"));
        b.put("log_count", row.get("log_count"));
        b.put("batch_hash", row.get("batch_hash"));
        b.put("tx_hash", row.get("anchor_tx_hash"));
        b.put("block_number", row.get("anchor_block"));
        return b;
    }

    /**
     * Recomputes the root from the stored logs and reads the anchored root from the chain (by batch id) and the
     * anchor's block from its receipt. Verified only when stored, recomputed and on-chain roots are one.
     */
    public Map<String, Object> verify(String batchId) {
        Map<String, Object> batch = batch(batchId);
        List<byte[]> leaves = leaves(uuid(batchId));
        String recomputed = MerkleTree.rootHex(leaves);
        String stored = (String) batch.get("batch_hash");
        String txHash = (String) batch.get("tx_hash");
        String onchain = null;
        Object block = null;
        String status;
        Optional<Ledger> chain = ledger == null ? Optional.empty() : ledger.get();
        if (chain.isEmpty()) {
            status = ledger == null ? "no_ledger" : "ledger_unavailable";
        } else {
            try {
                onchain = chain.get().batchRoot(uuid(batchId)).orElse(null);
                if (txHash != null) {
                    block = chain.get().receipt(txHash).map(r -> r.getBlockNumber().longValueExact()).orElse(null);
                }
                status = onchain == null ? "not_anchored" : "checked";
            } catch (IOException e) {
                status = "ledger_unavailable";
            }
        }
        boolean verified = recomputed.equals(stored) && stored.equals(onchain);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("batch_id", batch.get("batch_id"));
        v.put("batch_hash", stored);
        v.put("recomputed_hash", recomputed);
        v.put("onchain_hash", onchain);
        v.put("tx_hash", txHash);
        v.put("block_number", block);
        v.put("verified", verified);
        v.put("status", verified ? "verified" : "checked".equals(status) ? "mismatch" : status);
        return v;
    }

    /** GET /ledger/tx/{hash}: a ledger transaction read from the chain (the dashboard's transaction view). */
    public Map<String, Object> transaction(String txHash) {
        if (txHash == null || !txHash.matches("^0x[0-9a-f]{64}$")) {
            throw new ApiException(400, "a transaction hash is 0x and 64 lowercase hex digits", null);
        }
        if (ledger == null) {
            throw new ApiException(404, "no ledger is configured", null);
        }
        try {
            Map<String, Object> tx = ledger.require().transaction(txHash)
                    .orElseThrow(() -> new ApiException(404, "no transaction " + txHash + " on the ledger", null));
            name(tx);
            return tx;
        } catch (IOException e) {
            throw new ApiException(503, "cannot read the ledger node", String.valueOf(e.getMessage()));
        }
    }

    /**
     * Names what the chain holds as hashes: a device by the provisioned id whose keccak256 it is, a kind by its
     * incident kind, and links a batch, an alert or a device to what Vigil stored about it.
     */
    @SuppressWarnings("unchecked")
    private void name(Map<String, Object> tx) {
        List<Map<String, Object>> events = (List<Map<String, Object>>) tx.get("decoded");
        if (events == null || events.isEmpty()) {
            return;
        }
        Map<String, String> devices = new java.util.HashMap<>();
        Tx.read(dataSource, c -> {
            for (Map<String, Object> row : Tx.rows(c, "select device_id from devices")) {
                String id = (String) row.get("device_id");
                devices.put(io.vigil.ledger.LedgerIds.hex(io.vigil.ledger.LedgerIds.name(id)), id);
            }
            for (Map<String, Object> e : events) {
                Map<String, Object> args = (Map<String, Object>) e.get("args");
                if (args.get("device_hash") != null) {
                    args.put("device_id", devices.get(args.get("device_hash")));
                }
                if (args.get("kind") instanceof Integer k && k >= 0 && k < LedgerOutbox.INCIDENT_KINDS.size()) {
                    args.put("kind_name", LedgerOutbox.INCIDENT_KINDS.get(k));
                }
            }
            // The alerts this transaction recorded (security incidents and ML alerts carry its hash).
            List<String> alerts = new ArrayList<>();
            for (Map<String, Object> row : Tx.rows(c, "select id from security_events where tx_hash = ? and incident_of"
                    + " is null order by id limit 100", tx.get("tx_hash"))) {
                alerts.add("sec-" + row.get("id"));
            }
            for (Map<String, Object> row : Tx.rows(c, "select id from ml_alerts where tx_hash = ? order by id limit 100",
                    tx.get("tx_hash"))) {
                alerts.add("ml-" + row.get("id"));
            }
            tx.put("alerts", alerts);
            return null;
        });
    }

    /** Where the ledger is (node, chain id, contracts, writer), the command threshold and the command key. */
    public Map<String, Object> ledgerInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("enabled", ledger != null);
        info.put("command_public_key", commandPublicKey);
        if (ledger == null) {
            return info;
        }
        info.put("rpc_url", ledger.rpcUrl());
        Optional<Ledger> chain = ledger.get();
        info.put("connected", chain.isPresent());
        chain.ifPresent(l -> {
            info.put("chain_id", l.info().chainId());
            info.put("audit_ledger", l.info().auditLedger());
            info.put("device_trust", l.info().deviceTrust());
            info.put("writer", l.info().writer());
            try {
                info.put("command_threshold", l.commandThreshold());
                info.put("block_number", l.blockNumber());
            } catch (IOException e) {
                info.put("error", e.getMessage());
            }
        });
        info.put("outbox", Tx.read(dataSource, c -> {
            Map<String, Object> states = new LinkedHashMap<>();
            for (String state : List.of("pending", "sent", "done", "rejected")) {
                states.put(state, 0L);
            }
            for (Map<String, Object> row : Tx.rows(c, "select state, count(*) as n from ledger_outbox group by state")) {
                states.put((String) row.get("state"), ((Number) row.get("n")).longValue());
            }
            return states;
        }));
        return info;
    }

    /** RFC 6962 audit path of one log in its batch, with the leaf input so a client can recompute the root. */
    public Map<String, Object> proof(String deviceId, long sequenceNo) {
        if (!isDeviceId(deviceId)) {
            throw new ApiException(404, "no stored log " + printable(deviceId) + "/" + sequenceNo, null);
        }
        Map<String, Object> proof = Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select l.batch_id, l.leaf_index, l.canonical, b.batch_hash,"
                    + " b.anchor_tx_hash from logs l join batches b on b.batch_id = l.batch_id"
                    + " where l.device_id = ? and l.sequence_no = ?", deviceId, sequenceNo);
            if (rows.isEmpty()) {
                throw new ApiException(404, "no stored log " + deviceId + "/" + sequenceNo, null);
            }
            Map<String, Object> row = rows.get(0);
            List<byte[]> leaves = leaves((UUID) row.get("batch_id"));
            int index = ((Number) row.get("leaf_index")).intValue();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("batch_id", String.valueOf(row.get("batch_id")));
            p.put("leaf_index", index);
            p.put("tree_size", leaves.size());
            p.put("audit_path", MerkleTree.auditPath(leaves, index));
            p.put("batch_hash", row.get("batch_hash"));
            p.put("tx_hash", row.get("anchor_tx_hash"));
            p.put("leaf_input", row.get("canonical"));
            return p;
        });
        // The root to compare with is the chain's, read now.
        Optional<Ledger> chain = ledger == null ? Optional.empty() : ledger.get();
        String onchain = null;
        if (chain.isPresent()) {
            try {
                onchain = chain.get().batchRoot(UUID.fromString((String) proof.get("batch_id"))).orElse(null);
            } catch (IOException e) {
                onchain = null;
            }
        }
        proof.put("onchain_hash", onchain);
        return proof;
    }

    public Map<String, Object> stats() {
        return Tx.read(dataSource, c -> {
            Map<String, Long> gateway = new LinkedHashMap<>();
            for (Map<String, Object> row : Tx.rows(c, "select name, sum(total) as total from gateway_counters group by name")) {
                gateway.put((String) row.get("name"), ((Number) row.get("total")).longValue());
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("received", gateway.getOrDefault("received", 0L));
            s.put("accepted", gateway.getOrDefault("accepted", 0L));
            s.put("duplicates", gateway.getOrDefault("duplicates", 0L));
            s.put("stored", count(c, "select count(*) as n from logs"));
            Map<String, Object> security = new LinkedHashMap<>();
            for (SecurityEventKind kind : SecurityEventKind.values()) {
                security.put(kind.wire(), 0L);
            }
            for (Map<String, Object> row : Tx.rows(c, "select kind, count(*) as n from security_events group by kind")) {
                security.put((String) row.get("kind"), ((Number) row.get("n")).longValue());
            }
            s.put("security_events", security);
            s.put("batches", count(c, "select count(*) as n from batches"));
            s.put("anchored", count(c, "select count(*) as n from batches where anchor_tx_hash is not null"));
            s.put("alerts", count(c, "select count(*) as n from security_events where incident_of is null")
                    + count(c, "select count(*) as n from ml_alerts"));
            s.put("ml_alerts", count(c, "select count(*) as n from ml_alerts"));
            s.put("ml_anomalous_logs", count(c, "select count(*) as n from logs where ml_label = 'anomalous'"));
            return s;
        });
    }

    private List<byte[]> leaves(UUID batchId) {
        return Tx.read(dataSource, c -> {
            List<byte[]> leaves = new ArrayList<>();
            // Leaves stored as this batch's logs, and those stored by another batch first or refused (§3).
            for (Map<String, Object> row : Tx.rows(c, "select leaf_index, canonical from logs where batch_id = ?"
                    + " union all select leaf_index, canonical from batch_leaves where batch_id = ? order by leaf_index",
                    batchId, batchId)) {
                leaves.add(((String) row.get("canonical")).getBytes(StandardCharsets.UTF_8));
            }
            return leaves;
        });
    }

    private static long count(java.sql.Connection c, String sql, Object... args) throws java.sql.SQLException {
        return ((Number) Tx.rows(c, sql, args).get(0).get("n")).longValue();
    }

    /** Ids from a request reach SQL only if they are PROTOCOL device ids (no NUL, no quotes, bounded). */
    private static boolean isDeviceId(String deviceId) {
        return deviceId != null && DeviceRegistry.DEVICE_ID.matcher(deviceId).matches();
    }

    static void deviceFilter(String deviceId) {
        if (deviceId != null && !isDeviceId(deviceId)) {
            throw new ApiException(400, "device_id must match " + DeviceRegistry.DEVICE_ID.pattern(), printable(deviceId));
        }
    }

    /** Echoes an identifier back without control characters and at most 64 characters of it. */
    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
    }

    private static String kindOrBadRequest(String kind) {
        try {
            return SecurityEventKind.fromWire(kind).wire();
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage(), kind);
        }
    }

    private static UUID uuid(String batchId) {
        try {
            return UUID.fromString(batchId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ApiException(400, "batch_id must be a UUID", batchId);
        }
    }

    private static JsonNode json(String text) {
        try {
            return CanonicalJson.parse(text);
        } catch (IOException e) {
            throw new IllegalStateException("stored sensors are not JSON", e);
        }
    }
}
