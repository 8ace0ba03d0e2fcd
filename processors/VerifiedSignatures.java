package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signatures this process has already verified, so that gateway and server in one process ({@code VIGIL_ROLE=all})
 * verify each Ed25519 signature once. The gateway records a signature it verified together with a SHA-256 binding of
 * the public key it used and the signed bytes; the server takes the entry and skips the curve arithmetic only when
 * the packet's signature, bytes and the device's current key hash to the same value. Nobody can add an entry without
 * a signature that verified, and a key rotated in between makes the server verify afresh.
 *
 * <p>Bounded: two generations of at most {@code capacity} entries; entries the server never takes (duplicates,
 * replays, batches held back by an outage) age out, and the server then simply verifies again.
 */
public final class VerifiedSignatures {

    private final int capacity;
    private volatile Map<String, byte[]> current = new ConcurrentHashMap<>();
    private volatile Map<String, byte[]> previous = new ConcurrentHashMap<>();

    /** {@code capacity} 0: nothing is recorded (gateway and server in processes of their own verify each). */
    public VerifiedSignatures(int capacity) {
        this.capacity = capacity;
    }

    /** Records a signature that verified under {@code key} over {@code signingInput}. */
    public void verified(Ed25519.VerifyKey key, byte[] signingInput, String signature) {
        if (capacity == 0) {
            return;
        }
        Map<String, byte[]> map = current;
        if (map.size() >= capacity) {
            synchronized (this) {
                if (current.size() >= capacity) {
                    previous = current;
                    current = new ConcurrentHashMap<>();
                }
                map = current;
            }
        }
        map.put(signature, binding(key, signingInput));
    }

    /** True (once) when this exact signature over these bytes under this key was verified here before. */
    public boolean take(Ed25519.VerifyKey key, byte[] signingInput, String signature) {
        byte[] recorded = current.remove(signature);
        if (recorded == null) {
            recorded = previous.remove(signature);
        }
        return recorded != null && MessageDigest.isEqual(recorded, binding(key, signingInput));
    }

    private static byte[] binding(Ed25519.VerifyKey key, byte[] signingInput) {
        byte[] encodedKey = key.encoded().getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[encodedKey.length + 1 + signingInput.length];
        System.arraycopy(encodedKey, 0, input, 0, encodedKey.length);
        System.arraycopy(signingInput, 0, input, encodedKey.length + 1, signingInput.length);
        return Ed25519.sha256(input);
    }
}
