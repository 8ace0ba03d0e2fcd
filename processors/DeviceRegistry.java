package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import io.vigil.db.Tx;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Provisioned devices and their verification keys, cached after the first database read. */
public class DeviceRegistry {

    /** PROTOCOL §1 device id. */
    public static final Pattern DEVICE_ID = io.vigil.model.DeviceId.PATTERN;

    /** Outcome of a provisioning request. */
    public enum Provisioned { CREATED, EXISTS }

    private final DataSource dataSource;
    private final Map<String, Ed25519.VerifyKey> keys = new ConcurrentHashMap<>();

    public DeviceRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Provisions a device; {@link IllegalArgumentException} for a bad id or key. */
    public Provisioned provision(String deviceId, String publicKey, long now) {
        if (deviceId == null || !DEVICE_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("device_id must match " + DEVICE_ID.pattern());
        }
        if (publicKey == null) {
            throw new IllegalArgumentException("public_key is required (base64url, raw 32 bytes)");
        }
        Ed25519.VerifyKey key = Ed25519.VerifyKey.of(publicKey);
        return Tx.inTransaction(dataSource, c -> {
            if (!Tx.rows(c, "select 1 from devices where device_id = ?", deviceId).isEmpty()) {
                return Provisioned.EXISTS;
            }
            try {
                Tx.update(c, "insert into devices (device_id, public_key, provisioned_at) values (?, ?, ?)",
                        deviceId, key.encoded(), now);
            } catch (SQLException e) {
                if (Tx.isUniqueViolation(e)) {
                    return Provisioned.EXISTS;
                }
                throw e;
            }
            keys.put(deviceId, key);
            return Provisioned.CREATED;
        });
    }

    /** The device's verification key, if provisioned. */
    public Optional<Ed25519.VerifyKey> key(String deviceId) {
        Ed25519.VerifyKey cached = keys.get(deviceId);
        if (cached != null) {
            return Optional.of(cached);
        }
        List<Map<String, Object>> rows = Tx.read(dataSource,
                c -> Tx.rows(c, "select public_key from devices where device_id = ?", deviceId));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Ed25519.VerifyKey key = Ed25519.VerifyKey.of((String) rows.get(0).get("public_key"));
        keys.put(deviceId, key);
        return Optional.of(key);
    }
}
