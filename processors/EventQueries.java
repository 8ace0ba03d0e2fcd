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

/** GET /security-events (paged): typed security events with their quarantined payload, decrypted for the reader. */
public class EventQueries {

    private final DataSource dataSource;
    private final io.vigil.crypto.FieldCipher cipher;

    public EventQueries(DataSource dataSource, io.vigil.crypto.FieldCipher cipher) {
        this.dataSource = dataSource;
        this.cipher = cipher;
    }

    /** Security events newest first, paged. */
    public Map<String, Object> securityEvents(String deviceId, String kind, Integer limit, String cursor) {
        int n = Paging.limit(limit);
        ApiParams.deviceFilter(deviceId);
        String kindWire = kind == null ? null : ApiParams.kindOrBadRequest(kind);
        String[] after = Paging.key("security-events", cursor, 1);
        long below = after == null ? Long.MAX_VALUE : Paging.longPart(after[0]);
        return Tx.read(dataSource, c -> {
            List<Map<String, Object>> rows = Tx.rows(c, "select id, kind, device_id, sequence_no, detail, payload,"
                    + " gateway_id, observed_at, tx_hash, attributable, incident_of, incident_count from security_events"
                    + " where id < ? and (cast(? as varchar) is null or device_id = ?)"
                    + " and (cast(? as varchar) is null or kind = ?) order by id desc limit ?",
                    below, deviceId, deviceId, kindWire, kindWire, n + 1);
            for (Map<String, Object> row : rows) {
                row.put("payload", payload(row));
            }
            return Paging.page("security-events", rows, n, e -> new Object[] {e.get("id")});
        });
    }

    /** The quarantined payload, decrypted for the reader; rows from before encryption are returned as stored. */
    private String payload(Map<String, Object> row) {
        String stored = (String) row.get("payload");
        if (stored == null || !stored.startsWith("v1:")) {
            return stored;
        }
        try {
            return cipher.decrypt(stored, SecurityEventRecorder.associatedData((String) row.get("gateway_id"),
                    ((Number) row.get("observed_at")).longValue(), (String) row.get("kind")));
        } catch (IllegalArgumentException e) {
            return "(encrypted with another VIGIL_DATA_KEY, or altered: " + e.getMessage() + ")";
        }
    }
}
