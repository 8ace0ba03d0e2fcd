package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.MerkleTree;
import io.vigil.db.Tx;
import io.vigil.ledger.Ledger;
import io.vigil.ledger.LedgerConnector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * GET /batches (paged), /batches/{id} and /batches/{id}/verify: batch metadata, and the root recomputed from the
 * stored leaves compared with the stored and the on-chain root.
 */
public class BatchQueries {

    private final DataSource dataSource;
    private final LedgerConnector ledger;

    /** {@code ledger} null: no ledger configured (on-chain fields stay null). */
    public BatchQueries(DataSource dataSource, LedgerConnector ledger) {
        this.dataSource = dataSource;
        this.ledger = ledger;
    }

    /** Batches newest first (by arrival, then id), paged. */
    public Map<String, Object> batches(Integer limit, String cursor) {
        int n = Paging.limit(limit);
        String[] after = Paging.key("batches", cursor, 2);
        long at = after == null ? Long.MAX_VALUE : Paging.longPart(after[0]);
        UUID id = after == null ? new UUID(0, 0) : ApiParams.uuid(after[1]);
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
        UUID id = ApiParams.uuid(batchId);
        return Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select * from batches where batch_id = ?", id);
            if (rows.isEmpty()) {
                throw new NotFoundException("no batch " + batchId, null);
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
     * Recomputes the root from the stored logs and reads the anchored hash from the chain: the batch's BatchAnchored
     * event, counted only when the contract holds the root over its transaction's batch hashes. Verified only when
     * stored, recomputed and on-chain hashes are one.
     */
    public Map<String, Object> verify(String batchId) {
        Map<String, Object> batch = batch(batchId);
        List<byte[]> leaves = leaves(dataSource, ApiParams.uuid(batchId));
        String recomputed = MerkleTree.rootHex(leaves);
        String stored = (String) batch.get("batch_hash");
        String txHash = (String) batch.get("tx_hash");
        String onchain = null;
        Object block = null;
        String anchorRoot = null;
        String status;
        Optional<Ledger> chain = ledger == null ? Optional.empty() : ledger.get();
        if (chain.isEmpty()) {
            status = ledger == null ? "no_ledger" : "ledger_unavailable";
        } else {
            try {
                // Read by the anchor's transaction: a database that names the wrong one can make a batch unverified,
                // never verified, since the hash must come from the chain's own event under a root it holds.
                Optional<Ledger.Anchor> anchor = txHash == null ? Optional.empty()
                        : chain.get().anchorIn(ApiParams.uuid(batchId), txHash);
                if (anchor.isPresent()) {
                    block = anchor.get().block();
                    anchorRoot = anchor.get().anchorRoot();
                    onchain = anchor.get().rootHeld() ? anchor.get().batchHash() : null;
                } else {
                    onchain = chain.get().legacyBatchRoot(ApiParams.uuid(batchId)).orElse(null); // the first contract
                    if (txHash != null) {
                        block = chain.get().receipt(txHash).map(r -> r.getBlockNumber().longValueExact()).orElse(null);
                    }
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
        v.put("anchor_root", anchorRoot);
        v.put("verified", verified);
        v.put("status", verified ? "verified" : "checked".equals(status) ? "mismatch" : status);
        return v;
    }

    /** A batch's leaf inputs in order: its own stored logs, and those stored by another batch first or refused (§3). */
    static List<byte[]> leaves(DataSource dataSource, UUID batchId) {
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
}
