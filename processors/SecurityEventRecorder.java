package io.vigil.processors;

import io.vigil.db.Tx;
import io.vigil.model.PacketRejectedException;
import io.vigil.model.SecurityEvent;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Quarantine: every rejected packet becomes a typed security event with its payload kept (never forwarded). */
public class SecurityEventRecorder {

    /** Quarantined bytes kept; sealed (nonce, tag, base64) they still fit the 8192-character column. */
    private static final int MAX_PAYLOAD_BYTES = 6000;

    private final javax.sql.DataSource dataSource;
    private final String gatewayId;
    private final GatewayCounters counters;
    private final EventStream events;
    private final LedgerOutbox ledger;
    private final io.vigil.crypto.FieldCipher cipher;

    public SecurityEventRecorder(javax.sql.DataSource dataSource, String gatewayId, GatewayCounters counters,
            EventStream events, LedgerOutbox ledger, io.vigil.crypto.FieldCipher cipher) {
        this(dataSource, gatewayId, counters, events, ledger, cipher, 64);
    }

    /** {@code replayWindow}: the replay guard's window (PROTOCOL §1: 64), to tell an old packet from a new one. */
    public SecurityEventRecorder(javax.sql.DataSource dataSource, String gatewayId, GatewayCounters counters,
            EventStream events, LedgerOutbox ledger, io.vigil.crypto.FieldCipher cipher, int replayWindow) {
        this.replayWindow = replayWindow;
        this.cipher = cipher;
        this.dataSource = dataSource;
        this.gatewayId = gatewayId;
        this.counters = counters;
        this.events = events;
        this.ledger = ledger;
    }

    private final int replayWindow;

    /** PROTOCOL v1.1 §4: incidents of one device and one kind within this span are one incident with a count. */
    public static final long AGGREGATION_MS = 60_000;

    private final Object[] stripes = new Object[64];

    {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /** Binds a sealed payload to its row: gateway, time and kind. */
    public static String associatedData(String gatewayId, long observedAt, String kind) {
        return "security_events|" + gatewayId + "|" + observedAt + "|" + kind;
    }

    public SecurityEvent record(PacketRejectedException rejection, byte[] payload, long now) {
        // As text every database stores: invalid UTF-8 becomes U+FFFD, NUL (refused by PostgreSQL) becomes U+2400.
        byte[] kept = payload == null || payload.length <= MAX_PAYLOAD_BYTES ? payload
                : java.util.Arrays.copyOf(payload, MAX_PAYLOAD_BYTES);
        String text = kept == null ? null : new String(kept, StandardCharsets.UTF_8).replace('\u0000', '\u2400');
        String detail = rejection.getMessage() == null ? rejection.kind().wire()
                : rejection.getMessage().replace('\u0000', '\u2400');
        if (detail.length() > 1000) {
            detail = detail.substring(0, 1000);
        }
        SecurityEvent event = new SecurityEvent(rejection.kind(), rejection.deviceId(), rejection.sequenceNo(), detail,
                text, gatewayId, now);
        String payloadText = text;
        String detailText = detail;
        // A device id only when it is one (a schema failure may carry anything there).
        String device = event.deviceId() != null && DeviceRegistry.DEVICE_ID.matcher(event.deviceId()).matches()
                ? event.deviceId() : null;
        String kind = event.kind().wire();
        Incident incident;
        // One writer per (device, kind) at a time in this process, so concurrent events join one incident.
        synchronized (stripes[Math.floorMod(java.util.Objects.hash(event.deviceId(), kind), stripes.length)]) {
            incident = Tx.inTransaction(dataSource, c -> {
                boolean attributable = attributable(c, rejection, device);
                Map<String, Object> head = openIncident(c, event.deviceId(), kind, now);
                long eventId = insert(c, event, device, detailText, payloadText, attributable,
                        head == null ? null : ((Number) head.get("id")).longValue(), now);
                if (head == null) {
                    // A new incident on the ledger; it costs its device 20 trust only if attributable (§4).
                    ledger.alert(c, device, gatewayId, null, now, LedgerOutbox.CERTAIN, kind, eventId, attributable, now);
                    return new Incident(eventId, 1, attributable);
                }
                // Within 60 s of the incident's first event: counted into it, at most one −20 for all of them.
                long headId = ((Number) head.get("id")).longValue();
                int count = ((Number) head.get("incident_count")).intValue() + 1;
                Tx.update(c, "update security_events set incident_count = ? where id = ?", count, headId);
                if (attributable && !Boolean.TRUE.equals(head.get("attributable"))) {
                    Tx.update(c, "update security_events set attributable = true where id = ?", headId);
                    ledger.trust(c, device, LedgerOutbox.ALERT_DELTA, now, now);
                }
                ledger.countIncident(c, headId, device, kind, ((Number) head.get("observed_at")).longValue(), count, now);
                return new Incident(headId, count, attributable || Boolean.TRUE.equals(head.get("attributable")));
            });
        }
        counters.securityEvent(event.kind());
        events.securityEvent(incident.headId(), incident.count(), incident.attributable(), event);
        return event;
    }

    /** The incident an event was counted into: its first event's id, its count so far, whether it cost trust. */
    private record Incident(long headId, int count, boolean attributable) {
    }

    /**
     * Only what the holder of the device's key alone can cause is attributable (§4). A signed packet refused for
     * sanity or rate is the key holder's doing only when it is new: not below the device's replay window, not
     * accepted before under its sequence number, and not refused before. An old genuine packet sent again by someone
     * else costs nothing. (Packets are checked on parallel workers, so a new packet may well be below the highest
     * sequence already accepted: inside the window, never seen, it is still new.)
     */
    private boolean attributable(Connection c, PacketRejectedException rejection, String device)
            throws SQLException {
        if (device == null) {
            return false;
        }
        return switch (rejection.blame()) {
            case ANYONE -> false;
            case KEY_HOLDER -> true;
            case KEY_HOLDER_IF_NEW -> {
                Long seq = rejection.sequenceNo();
                if (seq == null) {
                    yield false;
                }
                List<Map<String, Object>> window = Tx.rows(c, "select high_seq from replay_window where device_id = ?",
                        device);
                if (!window.isEmpty() && seq <= ((Number) window.get(0).get("high_seq")).longValue() - replayWindow) {
                    yield false;
                }
                if (!Tx.rows(c, "select 1 from replay_seen where device_id = ? and sequence_no = ?", device, seq)
                        .isEmpty()) {
                    yield false;
                }
                yield Tx.rows(c, "select id from security_events where device_id = ? and sequence_no = ?"
                        + " and kind in ('sanity', 'rate') limit 1", device, seq).isEmpty();
            }
        };
    }

    /** The head of the device's open incident of this kind (first event less than 60 s ago), locked, or null. */
    private static Map<String, Object> openIncident(Connection c, String device, String kind, long now)
            throws SQLException {
        List<Map<String, Object>> heads = Tx.rows(c, "select id, observed_at, incident_count, attributable"
                + " from security_events where (device_id = ? or (device_id is null and cast(? as varchar) is null))"
                + " and kind = ? and incident_of is null order by id desc limit 1", device, device, kind);
        if (heads.isEmpty() || ((Number) heads.get(0).get("observed_at")).longValue() <= now - AGGREGATION_MS) {
            return null;
        }
        return heads.get(0);
    }

    private long insert(Connection c, SecurityEvent event, String device, String detail, String payload,
            boolean attributable, Long incidentOf, long now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("insert into security_events (kind, device_id, sequence_no,"
                + " detail, payload, gateway_id, observed_at, attributable, incident_of) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                new String[] {"id"})) {
            insert.setString(1, event.kind().wire());
            insert.setString(2, event.deviceId());
            insert.setObject(3, event.sequenceNo());
            insert.setString(4, detail);
            // The quarantined payload is what a device (or an attacker) sent: encrypted at rest (AES-256-GCM).
            insert.setString(5, cipher.encrypt(payload, associatedData(gatewayId, now, event.kind().wire())));
            insert.setString(6, gatewayId);
            insert.setLong(7, now);
            insert.setBoolean(8, attributable);
            insert.setObject(9, incidentOf);
            insert.executeUpdate();
            io.vigil.db.Counters.add(c, "security:" + event.kind().wire(), 1);
            if (incidentOf == null) {
                io.vigil.db.Counters.add(c, "security_incidents", 1);
            }
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }
}
