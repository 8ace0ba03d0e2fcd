package io.vigil.processors;

import io.vigil.db.Tx;
import io.vigil.model.Packet;
import io.vigil.model.Verdict;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * ML alerts as events, not as packets: a device's anomalous logs that follow each other within {@link #GAP_MS} of
 * device time are one episode, with a start, an end, a count and its strongest log (its sequence number, confidence,
 * model and detail). An episode is raised, that is becomes an alert (listed by /alerts, pushed on the WebSocket, an
 * incident on the ledger, once), when one of its logs reaches the alert confidence or when it holds
 * {@link #SUSTAINED} anomalous logs: sustained evidence counts, a lone doubtful log does not. Runs in the batch's
 * storing transaction.
 */
final class MlEpisodes {

    /** The same gap that joins security events into one incident. */
    static final long GAP_MS = 60_000;
    static final int SUSTAINED = 3;

    /** An episode of a device as this batch leaves it. */
    record Episode(long id, int count, boolean raised, boolean raisedNow) {
    }

    private MlEpisodes() {
    }

    /**
     * Puts the anomalous logs among {@code stillNew} into their devices' episodes; returns, per leaf index, the
     * episode of each anomalous log.
     */
    static Map<Integer, Episode> record(Connection c, List<Packet> packets, List<Verdict> verdicts, boolean[] stillNew,
            UUID batchId, String batchHash, String gatewayId, long now, LedgerOutbox ledger) throws SQLException {
        Map<Integer, Episode> out = new HashMap<>();
        Map<String, Long> open = new HashMap<>();
        for (int i = 0; verdicts != null && i < verdicts.size(); i++) {
            Verdict v = verdicts.get(i);
            if (!stillNew[i] || !"anomalous".equals(v.label())) {
                continue;
            }
            Packet p = packets.get(i);
            Long id = open.containsKey(p.deviceId()) ? open.get(p.deviceId()) : openEpisode(c, p);
            Episode e;
            if (id == null) {
                boolean raise = v.alert();
                id = Tx.insertReturningId(c, "insert into ml_alerts (device_id, sequence_no, batch_id, leaf_index,"
                        + " confidence, model, detail, observed_at, packet_count, last_observed_at, first_device_time,"
                        + " last_device_time, last_sequence_no, raised) values (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
                        p.deviceId(), p.sequenceNo(), batchId, i, v.score(), v.model(), detail(v), now, now,
                        p.timestamp(), p.timestamp(), p.sequenceNo(), raise);
                e = new Episode(id, 1, raise, raise);
            } else {
                Map<String, Object> row = Tx.rows(c, "select packet_count, confidence, raised from ml_alerts where id = ?",
                        id).get(0);
                int count = ((Number) row.get("packet_count")).intValue() + 1;
                boolean wasRaised = Boolean.TRUE.equals(row.get("raised"));
                boolean raise = wasRaised || v.alert() || count >= SUSTAINED;
                // A batch's logs come in the gateway's order, not always the device's: the episode spans both ends.
                Tx.update(c, "update ml_alerts set packet_count = ?, last_observed_at = ?, first_device_time ="
                        + " least(first_device_time, ?), last_device_time = greatest(last_device_time, ?),"
                        + " last_sequence_no = greatest(last_sequence_no, ?), raised = ? where id = ?", count, now,
                        p.timestamp(), p.timestamp(), p.sequenceNo(), raise, id);
                if (v.score() > ((Number) row.get("confidence")).doubleValue()) {
                    Tx.update(c, "update ml_alerts set sequence_no = ?, batch_id = ?, leaf_index = ?, confidence = ?,"
                            + " model = ?, detail = ? where id = ?", p.sequenceNo(), batchId, i, v.score(), v.model(),
                            detail(v), id);
                }
                e = new Episode(id, count, raise, raise && !wasRaised);
            }
            if (e.raisedNow()) {
                // An incident on the ledger without a trust penalty: a statistical verdict can be wrong, and trust
                // gates commands; typed security events carry the −20.
                ledger.mlIncident(c, p.deviceId(), gatewayId, batchHash, now, LedgerOutbox.basisPoints(v.score()), id,
                        now);
                io.vigil.db.Counters.add(c, "ml_alerts", 1);
            }
            open.put(p.deviceId(), id);
            out.put(i, e);
        }
        return out;
    }

    /** The device's episode whose last log is within the gap of this one (in device time), else null. */
    private static Long openEpisode(Connection c, Packet p) throws SQLException {
        List<Map<String, Object>> rows = Tx.rows(c, "select id from ml_alerts where device_id = ?"
                + " and last_device_time >= ? order by id desc limit 1", p.deviceId(), p.timestamp() - GAP_MS);
        return rows.isEmpty() ? null : ((Number) rows.get(0).get("id")).longValue();
    }

    private static String detail(Verdict v) {
        String d = v.detail() == null ? "" : v.detail();
        return d.length() > 1000 ? d.substring(0, 1000) : d;
    }
}
