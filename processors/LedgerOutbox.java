package io.vigil.processors;

import io.vigil.db.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * The ledger's transactional outbox (PROTOCOL §4): anchors, incidents and trust deltas are written with the
 * connection of the transaction that stores their batch or security event, so they exist exactly when it
 * does. {@link LedgerWriter} drains them in id order.
 */
public class LedgerOutbox {

    /** −20 per security alert, +1 per valid heartbeat (PROTOCOL §4). */
    public static final int ALERT_DELTA = -20;
    public static final int HEARTBEAT_DELTA = 1;
    /** Incident kinds as the contract's {@code uint8}: the security event kinds, then ML. */
    public static final List<String> INCIDENT_KINDS = List.of("replay", "bad_signature", "unknown_device", "schema",
            "sanity", "rate", "ml_anomaly", "impersonation");
    /** A typed security event is certain: the largest anomaly score (basis points). */
    public static final int CERTAIN = 10_000;

    /** A confidence 0-1 as the contract's anomaly score: basis points, 0 to 10000. */
    public static int basisPoints(double score) {
        return (int) Math.round(Math.max(0, Math.min(1, score)) * CERTAIN);
    }

    private final boolean enabled;

    public LedgerOutbox(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    public static int incidentCode(String kind) {
        int i = INCIDENT_KINDS.indexOf(kind);
        if (i < 0) {
            throw new IllegalArgumentException("unknown incident kind " + kind);
        }
        return i + 1;
    }

    public void anchor(Connection c, UUID batchId, String gatewayId, String batchHash, long createdAt, int logCount,
            int maxScore, long now) throws SQLException {
        if (!enabled) {
            return;
        }
        Tx.update(c, "insert into ledger_outbox (kind, gateway_id, batch_id, batch_hash, event_time, log_count, score,"
                + " state, created_at) values ('anchor', ?, ?, ?, ?, ?, ?, 'pending', ?)", gatewayId, batchId, batchHash,
                createdAt, logCount, maxScore, now);
    }

    /**
     * An incident and, when it is attributable (PROTOCOL v1.1 §4: only the device's key holder can have caused it)
     * and the device is provisioned, its −20 trust delta. {@code deviceId} may be null (a packet whose device
     * could not be read).
     */
    public void alert(Connection c, String deviceId, String gatewayId, String batchHash, long at, int score, String kind,
            Long securityEventId, boolean attributable, long now) throws SQLException {
        if (!enabled) {
            return;
        }
        incidentCode(kind);
        incident(c, deviceId, gatewayId, batchHash, at, score, kind, "security_event_id", securityEventId, now);
        if (deviceId != null && attributable) {
            trust(c, deviceId, ALERT_DELTA, at, now);
        }
    }

    /**
     * The running count of an aggregated incident (its head event {@code headEventId}, first seen {@code firstAt}).
     * Rows are only ever added, never changed: the writer may be sending an earlier count at this moment. It sends
     * the highest count of each incident among the rows it takes at once, so a flood costs a few transactions.
     */
    public void countIncident(Connection c, long headEventId, String deviceId, String kind, long firstAt, int count,
            long now) throws SQLException {
        if (!enabled) {
            return;
        }
        incidentCode(kind);
        Tx.update(c, "insert into ledger_outbox (kind, device_id, event_time, incident_kind, incident_count,"
                + " security_event_id, state, created_at) values ('incident_count', ?, ?, ?, ?, ?, 'pending', ?)",
                deviceId, firstAt, kind, count, headEventId, now);
    }

    /** An ML incident (kind {@code ml_anomaly}): recorded on-chain like a security one, but without a trust delta. */
    public void mlIncident(Connection c, String deviceId, String gatewayId, String batchHash, long at, int score,
            long mlAlertId, long now) throws SQLException {
        if (!enabled) {
            return;
        }
        incident(c, deviceId, gatewayId, batchHash, at, score, "ml_anomaly", "ml_alert_id", mlAlertId, now);
    }

    /** One incident row; {@code sourceColumn} names the row it stems from (a security event or an ML alert). */
    private static void incident(Connection c, String deviceId, String gatewayId, String batchHash, long at, int score,
            String kind, String sourceColumn, Long sourceId, long now) throws SQLException {
        Tx.update(c, "insert into ledger_outbox (kind, device_id, gateway_id, batch_hash, event_time, score, incident_kind, "
                + sourceColumn + ", state, created_at) values ('incident', ?, ?, ?, ?, ?, ?, ?, 'pending', ?)", deviceId,
                gatewayId, batchHash, at, score, kind, sourceId, now);
    }

    /**
     * A trust delta for a device, written only if the device is provisioned. A rise is not written when the chain
     * already holds the device at 100 ({@code devices.trust_score}, set from mined receipts in the transaction that
     * marks their rows done; null: never changed, which on chain is 100) and none of its trust rows is still in
     * flight: the contract would clamp it to no change, at about 8,000 gas a device.
     */
    public void trust(Connection c, String deviceId, int delta, long at, long now) throws SQLException {
        if (!enabled) {
            return;
        }
        Tx.update(c, "insert into ledger_outbox (kind, device_id, event_time, delta, state, created_at)"
                + " select 'trust', d.device_id, ?, ?, 'pending', ? from devices d where d.device_id = ?"
                + (delta > 0 ? " and not (coalesce(d.trust_score, 100) >= 100 and not exists (select 1 from ledger_outbox o"
                        + " where o.device_id = d.device_id and o.state in ('pending', 'sent') and o.kind = 'trust'))" : ""),
                at, delta, now, deviceId);
    }
}
