package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.db.Tx;
import io.vigil.model.DeviceId;
import io.vigil.model.SecurityEventKind;
import java.io.IOException;
import java.util.UUID;

/** What every REST resource checks in a request the same way: ids, kinds, and how an echoed value is shown. */
final class ApiParams {

    private ApiParams() {
    }

    static long count(java.sql.Connection c, String sql, Object... args) throws java.sql.SQLException {
        return ((Number) Tx.rows(c, sql, args).get(0).get("n")).longValue();
    }

    /** Ids from a request reach SQL only if they are PROTOCOL device ids (no NUL, no quotes, bounded). */
    static boolean isDeviceId(String deviceId) {
        return DeviceId.isValid(deviceId);
    }

    /** A device_id filter: absent, or a device id (400 otherwise). */
    static void deviceFilter(String deviceId) {
        if (deviceId != null && !isDeviceId(deviceId)) {
            throw new BadRequestException("device_id must match " + DeviceId.PATTERN.pattern(), printable(deviceId));
        }
    }

    /** Echoes an identifier back without control characters and at most 64 characters of it. */
    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
    }

    static String kindOrBadRequest(String kind) {
        try {
            return SecurityEventKind.fromWire(kind).wire();
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage(), kind);
        }
    }

    static UUID uuid(String batchId) {
        try {
            return UUID.fromString(batchId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BadRequestException("batch_id must be a UUID", batchId);
        }
    }

    static JsonNode json(String text) {
        try {
            return CanonicalJson.parse(text);
        } catch (IOException e) {
            throw new IllegalStateException("stored sensors are not JSON", e);
        }
    }
}
