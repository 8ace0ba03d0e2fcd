package io.vigil.processors;

import io.vigil.crypto.MerkleTree;
import io.vigil.db.Tx;
import io.vigil.ledger.Ledger;
import io.vigil.ledger.LedgerConnector;
import io.vigil.model.LogView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** GET /logs (paged) and GET /logs/{device}/{seq}/proof: stored logs and their RFC 6962 audit paths. */
public class LogQueries {

    private final DataSource dataSource;
    private final LedgerConnector ledger;

    /** {@code ledger} null: no ledger configured (the on-chain root stays null). */
    public LogQueries(DataSource dataSource, LedgerConnector ledger) {
        this.dataSource = dataSource;
        this.ledger = ledger;
    }

    /** Stored logs newest first (by arrival, or by sequence number for one device), paged. */
    public Map<String, Object> logs(String deviceId, Integer limit, String cursor) {
        int n = Paging.limit(limit);
        ApiParams.deviceFilter(deviceId);
        String list = deviceId == null ? "logs" : "logs:" + deviceId;
        String[] after = Paging.key(list, cursor, 1);
        long below = after == null ? Long.MAX_VALUE : Paging.longPart(after[0]);
        return Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = deviceId == null
                    ? Tx.rows(c, "select * from logs where id < ? order by id desc limit ?", below, n + 1)
                    : Tx.rows(c, "select * from logs where device_id = ? and sequence_no < ? order by sequence_no desc"
                            + " limit ?", deviceId, below, n + 1);
            List<LogView> out = new ArrayList<>(rows.size());
            Map<LogView, Object> keys = new IdentityHashMap<>();
            for (Map<String, Object> row : rows) {
                LogView log = log(row);
                keys.put(log, deviceId == null ? row.get("id") : row.get("sequence_no"));
                out.add(log);
            }
            return Paging.page(list, out, n, l -> new Object[] {keys.get(l)});
        });
    }

    private static LogView log(Map<String, Object> row) {
        Map<String, Double> sensors = new LinkedHashMap<>();
        ApiParams.json((String) row.get("sensors")).fields()
                .forEachRemaining(e -> sensors.put(e.getKey(), e.getValue().doubleValue()));
        return new LogView((String) row.get("device_id"), ((Number) row.get("sequence_no")).longValue(),
                (String) row.get("type"), ((Number) row.get("device_timestamp")).longValue(),
                ((Number) row.get("cpu_usage")).doubleValue(), ((Number) row.get("battery_level")).doubleValue(),
                sensors, (String) row.get("sig"), String.valueOf(row.get("batch_id")),
                ((Number) row.get("leaf_index")).intValue(), ((Number) row.get("stored_at")).longValue(),
                (String) row.get("ml_label"), score(row.get("ml_score")),
                (String) row.get("ml_model"));
    }

    /** A stored score as written (the column is REAL: 0.06, not its float's 0.05999999865889549). */
    private static Double score(Object stored) {
        return stored == null ? null : Double.valueOf(stored.toString());
    }

    /** RFC 6962 audit path of one log in its batch, with the leaf input so a client can recompute the root. */
    public Map<String, Object> proof(String deviceId, long sequenceNo) {
        if (!ApiParams.isDeviceId(deviceId)) {
            throw new NotFoundException("no stored log " + ApiParams.printable(deviceId) + "/" + sequenceNo, null);
        }
        Map<String, Object> proof = Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select l.batch_id, l.leaf_index, l.canonical, b.batch_hash,"
                    + " b.anchor_tx_hash from logs l join batches b on b.batch_id = l.batch_id"
                    + " where l.device_id = ? and l.sequence_no = ?", deviceId, sequenceNo);
            if (rows.isEmpty()) {
                throw new NotFoundException("no stored log " + deviceId + "/" + sequenceNo, null);
            }
            Map<String, Object> row = rows.get(0);
            List<byte[]> leaves = BatchQueries.leaves(dataSource, (UUID) row.get("batch_id"));
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
        String txHash = (String) proof.get("tx_hash");
        if (chain.isPresent()) {
            try {
                UUID batchId = UUID.fromString((String) proof.get("batch_id"));
                Optional<Ledger.Anchor> anchor = txHash == null ? Optional.empty() : chain.get().anchorIn(batchId, txHash);
                if (anchor.isPresent()) {
                    onchain = anchor.get().rootHeld() ? anchor.get().batchHash() : null;
                    // The batch's place in its anchoring transaction: batch_hash up to the root the contract holds.
                    proof.put("anchor_root", anchor.get().anchorRoot());
                    proof.put("anchor_index", anchor.get().anchorIndex());
                    proof.put("anchor_size", anchor.get().anchorHashes().size());
                    proof.put("anchor_path", anchor.get().anchorPath());
                } else {
                    onchain = chain.get().legacyBatchRoot(batchId).orElse(null); // the first contract
                }
            } catch (IOException e) {
                onchain = null;
            }
        }
        proof.put("onchain_hash", onchain);
        return proof;
    }
}
