package io.vigil.processors;

import io.vigil.db.Tx;
import io.vigil.model.PacketRejectedException;
import io.vigil.model.SecurityEvent;
import java.nio.charset.StandardCharsets;

/** Quarantine: every rejected packet becomes a typed security event with its payload kept (never forwarded). */
public class SecurityEventRecorder {

    private static final int MAX_PAYLOAD_CHARS = 8192;

    private final javax.sql.DataSource dataSource;
    private final String gatewayId;
    private final GatewayCounters counters;
    private final EventStream events;

    public SecurityEventRecorder(javax.sql.DataSource dataSource, String gatewayId, GatewayCounters counters,
            EventStream events) {
        this.dataSource = dataSource;
        this.gatewayId = gatewayId;
        this.counters = counters;
        this.events = events;
    }

    public SecurityEvent record(PacketRejectedException rejection, byte[] payload, long now) {
        // As text every database stores: invalid UTF-8 becomes U+FFFD, NUL (refused by PostgreSQL) becomes U+2400.
        String text = payload == null ? null : new String(payload, StandardCharsets.UTF_8).replace('\u0000', '\u2400');
        if (text != null && text.length() > MAX_PAYLOAD_CHARS) {
            text = text.substring(0, MAX_PAYLOAD_CHARS);
        }
        String detail = rejection.getMessage() == null ? rejection.kind().wire()
                : rejection.getMessage().replace('\u0000', '\u2400');
        if (detail.length() > 1000) {
            detail = detail.substring(0, 1000);
        }
        SecurityEvent event = new SecurityEvent(rejection.kind(), rejection.deviceId(), rejection.sequenceNo(), detail,
                text, gatewayId, now);
        String payloadText = text;
        String detailText = detail;
        Tx.inTransaction(dataSource, c -> Tx.update(c, "insert into security_events (kind, device_id, sequence_no, detail,"
                + " payload, gateway_id, observed_at) values (?, ?, ?, ?, ?, ?, ?)",
                event.kind().wire(), event.deviceId(), event.sequenceNo(), detailText, payloadText, gatewayId, now));
        counters.securityEvent(event.kind());
        events.securityEvent(event);
        return event;
    }
}
