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

    /**
     * Provisions many devices at once ({@code device_id, public_key} pairs): every pair is checked first (an
     * {@link IllegalArgumentException} names the first bad one and nothing is stored), then the new ones are written
     * in one transaction with one batched insert. Devices that exist are kept as they are. Returns how many were new.
     */
    public int provisionAll(List<String[]> pairs, long now) {
        // Each key is decoded and checked as a curve point once (the costly part), on every core.
        List<Ed25519.VerifyKey> decoded = pairs.parallelStream().map(pair -> {
            if (pair[0] == null || !DEVICE_ID.matcher(pair[0]).matches()) {
                throw new IllegalArgumentException("device_id must match " + DEVICE_ID.pattern() + ", got '" + pair[0] + "'");
            }
            try {
                return Ed25519.VerifyKey.of(pair[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(pair[0] + ": " + e.getMessage(), e);
            }
        }).toList();
        Map<String, Ed25519.VerifyKey> wanted = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            wanted.putIfAbsent(pairs.get(i)[0], decoded.get(i));
        }
        return Tx.inTransaction(dataSource, c -> {
            java.util.Set<String> existing = new java.util.HashSet<>();
            for (Map<String, Object> row : Tx.rows(c, "select device_id from devices")) {
                existing.add((String) row.get("device_id"));
            }
            int created = 0;
            try (java.sql.PreparedStatement insert = c.prepareStatement(
                    "insert into devices (device_id, public_key, provisioned_at) values (?, ?, ?)")) {
                for (Map.Entry<String, Ed25519.VerifyKey> device : wanted.entrySet()) {
                    if (existing.contains(device.getKey())) {
                        continue;
                    }
                    insert.setString(1, device.getKey());
                    insert.setString(2, device.getValue().encoded());
                    insert.setLong(3, now);
                    insert.addBatch();
                    created++;
                }
                insert.executeBatch();
            }
            wanted.forEach(keys::putIfAbsent);
            return created;
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
