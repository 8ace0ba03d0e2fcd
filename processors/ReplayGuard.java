package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import io.vigil.db.Tx;
import io.vigil.model.AdmitVerdict;
import io.vigil.model.Packet;
import io.vigil.model.ReplayDetectedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Replay-guard stage (PROTOCOL §1), and the gateway's durable hand-off. In one database transaction it
 * locks the device's window row, classifies the packet (new, transport duplicate, replay), and for a new
 * packet records its digest, advances the window and journals it for the next batch. Because the window
 * and the journal commit together, a crash can neither lose an accepted packet nor let a redelivered one
 * through twice; the MQTT ack is sent only after this commit.
 */
public class ReplayGuard {

    private final DataSource dataSource;
    private final int window;
    private final String gatewayId;

    public ReplayGuard(DataSource dataSource, int window, String gatewayId) {
        this.dataSource = dataSource;
        this.window = window;
        this.gatewayId = gatewayId;
    }

    /** Admits a verified packet or throws {@link ReplayDetectedException}. */
    public AdmitVerdict admit(Packet packet, long now) {
        String digest = HexFormat.of().formatHex(Ed25519.sha256(packet.canonical()));
        return Tx.inTransaction(dataSource, c -> admit(c, packet, digest, now));
    }

    private AdmitVerdict admit(Connection c, Packet packet, String digest, long now) throws SQLException {
        String device = packet.deviceId();
        long seq = packet.sequenceNo();
        long high = lockWindow(c, device);
        if (high >= 0 && seq <= high - window) {
            throw new ReplayDetectedException(device, seq,
                    "sequence_no " + seq + " is below the replay window (highest accepted " + high + ")");
        }
        List<Map<String, Object>> seen = Tx.rows(c,
                "select digest from replay_seen where device_id = ? and sequence_no = ?", device, seq);
        if (!seen.isEmpty()) {
            if (digest.equals(seen.get(0).get("digest"))) {
                return AdmitVerdict.DUPLICATE;
            }
            throw new ReplayDetectedException(device, seq,
                    "sequence_no " + seq + " was already accepted with different content");
        }
        Tx.update(c, "insert into replay_seen (device_id, sequence_no, digest) values (?, ?, ?)", device, seq, digest);
        if (seq > high) {
            Tx.update(c, "update replay_window set high_seq = ? where device_id = ?", seq, device);
            Tx.update(c, "delete from replay_seen where device_id = ? and sequence_no <= ?", device, seq - window);
        }
        Tx.update(c, "insert into gateway_pending (gateway_id, device_id, sequence_no, canonical, received_at)"
                + " values (?, ?, ?, ?, ?)", gatewayId, device, seq, packet.canonicalJson(), now);
        return AdmitVerdict.ACCEPTED;
    }

    /** Locks (creating if needed) the device's window row and returns its highest accepted sequence, -1 if none. */
    private static long lockWindow(Connection c, String device) throws SQLException {
        List<Map<String, Object>> rows = Tx.rows(c,
                "select high_seq from replay_window where device_id = ? for update", device);
        if (rows.isEmpty()) {
            Tx.update(c, "insert into replay_window (device_id, high_seq) values (?, -1) on conflict do nothing", device);
            rows = Tx.rows(c, "select high_seq from replay_window where device_id = ? for update", device);
        }
        return ((Number) rows.get(0).get("high_seq")).longValue();
    }
}
