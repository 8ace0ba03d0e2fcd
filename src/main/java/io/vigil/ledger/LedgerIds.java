package io.vigil.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import org.web3j.crypto.Hash;

/**
 * How Vigil's ids become the contracts' {@code bytes32}: device and gateway ids as keccak256 of their UTF-8
 * bytes (ids are up to 64 characters), a batch id as its 16 UUID bytes left-aligned, a batch hash as its
 * 32 bytes. Anyone can compute them, so the chain can be searched without the server.
 */
public final class LedgerIds {

    private static final HexFormat HEX = HexFormat.of();

    private LedgerIds() {
    }

    public static byte[] name(String id) {
        return Hash.sha3(id.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] batch(UUID batchId) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.putLong(batchId.getMostSignificantBits()).putLong(batchId.getLeastSignificantBits());
        return b.array();
    }

    public static byte[] hash(String hex64) {
        if (hex64 == null) {
            return new byte[32];
        }
        byte[] raw = HEX.parseHex(hex64);
        if (raw.length != 32) {
            throw new IllegalArgumentException("a batch hash is 32 bytes, got " + raw.length);
        }
        return raw;
    }

    public static String hex(byte[] raw) {
        return HEX.formatHex(raw);
    }

    /** True when all 32 bytes are zero (an unset mapping entry on-chain). */
    public static boolean isZero(byte[] raw) {
        for (byte b : raw) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
