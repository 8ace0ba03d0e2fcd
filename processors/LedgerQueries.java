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

/** GET /ledger and /ledger/tx/{hash}: where the ledger is, and one transaction with its events decoded and named. */
public class LedgerQueries {

    private final DataSource dataSource;
    private final LedgerConnector ledger;
    private final String commandPublicKey;

    /** {@code ledger} null: no ledger configured. */
    public LedgerQueries(DataSource dataSource, LedgerConnector ledger, String commandPublicKey) {
        this.dataSource = dataSource;
        this.ledger = ledger;
        this.commandPublicKey = commandPublicKey;
    }

    /** GET /ledger/tx/{hash}: a ledger transaction read from the chain (the dashboard's transaction view). */
    public Map<String, Object> transaction(String txHash) {
        if (txHash == null || !txHash.matches("^0x[0-9a-f]{64}$")) {
            throw new BadRequestException("a transaction hash is 0x and 64 lowercase hex digits", null);
        }
        if (ledger == null) {
            throw new NotFoundException("no ledger is configured", null);
        }
        try {
            Map<String, Object> tx = ledger.require().transaction(txHash)
                    .orElseThrow(() -> new NotFoundException("no transaction " + txHash + " on the ledger", null));
            name(tx);
            return tx;
        } catch (IOException e) {
            throw new UnavailableException("cannot read the ledger node", String.valueOf(e.getMessage()));
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
}
