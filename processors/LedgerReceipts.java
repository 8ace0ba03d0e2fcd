package io.vigil.processors;

import io.vigil.db.Tx;
import io.vigil.ledger.Ledger;
import io.vigil.ledger.LedgerIds;
import io.vigil.ledger.contracts.DeviceTrust;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * What a mined ledger transaction changes in Vigil: its outbox rows done, batch anchors and alerts with their tx hash,
 * each device's trust as the chain's TrustChanged events say (with its history), all in one transaction; then the
 * live events for the console.
 */
class LedgerReceipts {

    private final DataSource dataSource;
    private final EventStream events;

    LedgerReceipts(DataSource dataSource, EventStream events) {
        this.dataSource = dataSource;
        this.events = events;
    }

    /** Stores the receipt back: rows done, batch anchors, security events' tx hash, trust as on-chain. */
    void complete(Ledger ledger, List<Map<String, Object>> run, TransactionReceipt receipt) {
        String txHash = receipt.getTransactionHash();
        long block = receipt.getBlockNumber().longValueExact();
        long now = System.currentTimeMillis();
        List<DeviceTrust.TrustChangedEventResponse> changes =
                "trust".equals(run.get(0).get("kind")) ? ledger.trustChanges(receipt) : List.of();
        Map<String, String> devicesByName = new java.util.HashMap<>();
        for (Map<String, Object> r : run) {
            if (r.get("device_id") != null) {
                devicesByName.put(LedgerIds.hex(LedgerIds.name((String) r.get("device_id"))), (String) r.get("device_id"));
            }
        }
        Tx.inTransaction(dataSource, c -> {
            for (Map<String, Object> r : run) {
                long id = ((Number) r.get("id")).longValue();
                Tx.update(c, "update ledger_outbox set state = 'done', tx_hash = ?, block_number = ?, last_error = null"
                        + " where id = ?", txHash, block, id);
                if ("anchor".equals(r.get("kind"))) {
                    if (Tx.update(c, "update batches set anchor_tx_hash = ?, anchor_block = ? where batch_id = ?"
                            + " and anchor_tx_hash is null", txHash, block, r.get("batch_id")) == 1) {
                        io.vigil.db.Counters.add(c, "anchored", 1);
                    }
                } else if ("incident".equals(r.get("kind")) && r.get("security_event_id") != null) {
                    Tx.update(c, "update security_events set tx_hash = ? where id = ?", txHash, r.get("security_event_id"));
                } else if ("incident".equals(r.get("kind")) && r.get("ml_alert_id") != null) {
                    Tx.update(c, "update ml_alerts set tx_hash = ? where id = ?", txHash, r.get("ml_alert_id"));
                }
            }
            for (DeviceTrust.TrustChangedEventResponse change : changes) {
                String device = devicesByName.get(LedgerIds.hex(change.deviceId));
                if (device == null) {
                    continue;
                }
                Tx.update(c, "update devices set trust_score = ? where device_id = ?", change.current.intValue(), device);
                Tx.update(c, "insert into trust_history (device_id, previous, current_score, delta, tx_hash,"
                        + " block_number, recorded_at) values (?, ?, ?, ?, ?, ?, ?)", device, change.previous.intValue(),
                        change.current.intValue(), change.delta.intValue(), txHash, block, now);
            }
            return null;
        });
        for (Map<String, Object> r : run) {
            if ("anchor".equals(r.get("kind"))) {
                events.anchored(r.get("batch_id").toString(), (String) r.get("batch_hash"), txHash, block);
            } else if ("incident".equals(r.get("kind"))) {
                Number sec = (Number) r.get("security_event_id");
                Number ml = (Number) r.get("ml_alert_id");
                events.incidentRecorded(sec != null ? "sec-" + sec : ml != null ? "ml-" + ml : null,
                        (String) r.get("device_id"), (String) r.get("incident_kind"), txHash, block);
            }
        }
        for (DeviceTrust.TrustChangedEventResponse change : changes) {
            String device = devicesByName.get(LedgerIds.hex(change.deviceId));
            if (device != null) {
                events.trustChanged(device, change.previous.intValue(), change.current.intValue(),
                        change.delta.intValue(), txHash, block);
            }
        }
    }
}
