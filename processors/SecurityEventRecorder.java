package io.vigil.processors;

import io.vigil.db.Tx;
import io.vigil.model.PacketRejectedException;
import io.vigil.model.SecurityEvent;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

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
        this.cipher = cipher;
        this.dataSource = dataSource;
        this.gatewayId = gatewayId;
        this.counters = counters;
        this.events = events;
        this.ledger = ledger;
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
        long id = Tx.inTransaction(dataSource, c -> {
            long eventId;
            try (PreparedStatement insert = c.prepareStatement("insert into security_events (kind, device_id, sequence_no,"
                    + " detail, payload, gateway_id, observed_at) values (?, ?, ?, ?, ?, ?, ?)", new String[] {"id"})) {
                insert.setString(1, event.kind().wire());
                insert.setString(2, event.deviceId());
                insert.setObject(3, event.sequenceNo());
                insert.setString(4, detailText);
                // The quarantined payload is what a device (or an attacker) sent: encrypted at rest (AES-256-GCM).
                insert.setString(5, cipher.encrypt(payloadText, associatedData(gatewayId, now, event.kind().wire())));
                insert.setString(6, gatewayId);
                insert.setLong(7, now);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    eventId = keys.getLong(1);
                }
            }
            // Every typed security event is an incident on the ledger and costs its device 20 trust.
            ledger.alert(c, device, gatewayId, null, now, LedgerOutbox.CERTAIN, event.kind().wire(), eventId, now);
            return eventId;
        });
        counters.securityEvent(event.kind());
        events.securityEvent(id, event);
        return event;
    }
}
