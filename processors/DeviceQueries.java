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
 * GET /devices and /devices/{id} (PROTOCOL §6). Trust in the list is as the chain's last TrustChanged event reported
 * it; one device's trust and the command threshold are read from the ledger node now.
 */
public class DeviceQueries {

    private static final long SILENT_AFTER_MS = 5 * 60_000L;

    private final DataSource dataSource;
    private final LedgerConnector ledger;

    /** {@code ledger} null: no ledger configured (trust stays null). */
    public DeviceQueries(DataSource dataSource, LedgerConnector ledger) {
        this.dataSource = dataSource;
        this.ledger = ledger;
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
        if (!ApiParams.isDeviceId(deviceId)) {
            throw new NotFoundException("no device " + ApiParams.printable(deviceId), null);
        }
        Map<String, Object> d = Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select device_id, public_key, provisioned_at, last_seen,"
                    + " trust_score from devices where device_id = ?", deviceId);
            if (rows.isEmpty()) {
                throw new NotFoundException("no device " + deviceId, null);
            }
            Map<String, Object> one = device(rows.get(0), c, now);
            one.put("trust_history", Tx.rows(c, "select previous, current_score as trust_score, delta, tx_hash,"
                    + " block_number, recorded_at from trust_history where device_id = ? order by id desc limit 50", deviceId));
            List<Map<String, Object>> commands = Tx.rows(c, "select command_id, action, params, issued_at, decision,"
                    + " trust_score, threshold from device_commands where device_id = ? order by issued_at desc limit 20",
                    deviceId);
            for (Map<String, Object> command : commands) {
                command.put("command_id", String.valueOf(command.get("command_id")));
                command.put("params", ApiParams.json((String) command.get("params")));
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
        counters.put("logs", ApiParams.count(c, "select count(*) as n from logs where device_id = ?", id));
        counters.put("security_events", ApiParams.count(c, "select count(*) as n from security_events where device_id = ?", id));
        counters.put("ml_alerts", ApiParams.count(c, "select count(*) as n from ml_alerts where device_id = ? and raised", id));
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
}
