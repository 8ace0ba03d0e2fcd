package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signatures this process has already verified, so that gateway and server in one process ({@code VIGIL_ROLE=all})
 * verify each Ed25519 signature once. The gateway records a signature it verified together with the public key it used
 * and the signed bytes; the server takes the entry and skips the curve arithmetic only when the packet's signature,
 * its bytes (compared byte for byte) and the device's current key are the same. Nobody can add an entry without a
 * signature that verified, and a key rotated in between makes the server verify afresh. (Until 2026-12-07 the entry
 * held a SHA-256 of key and bytes: two hashes a packet, 2 % of the CPU, for a few hundred bytes saved an entry.)
 *
 * <p>Bounded: two generations of at most {@code capacity} entries; entries the server never takes (duplicates,
 * replays, batches held back by an outage) age out, and the server then simply verifies again.
 */
public final class VerifiedSignatures {

    private final int capacity;
    private volatile Map<String, Binding> current = new ConcurrentHashMap<>();
    private volatile Map<String, Binding> previous = new ConcurrentHashMap<>();

    /** What a signature verified under: the key (in its canonical encoding) and the signed bytes. */
    private record Binding(String key, byte[] signingInput) {
        boolean matches(Ed25519.VerifyKey otherKey, byte[] otherInput) {
            return key.equals(otherKey.encoded()) && Arrays.equals(signingInput, otherInput);
        }
    }

    /** {@code capacity} 0: nothing is recorded (gateway and server in processes of their own verify each). */
    public VerifiedSignatures(int capacity) {
        this.capacity = capacity;
    }

    /** Records a signature that verified under {@code key} over {@code signingInput}. */
    public void verified(Ed25519.VerifyKey key, byte[] signingInput, String signature) {
        if (capacity == 0) {
            return;
        }
        Map<String, Binding> map = current;
        if (map.size() >= capacity) {
            synchronized (this) {
                if (current.size() >= capacity) {
                    previous = current;
                    current = new ConcurrentHashMap<>();
                }
                map = current;
            }
        }
        map.put(signature, new Binding(key.encoded(), signingInput.clone()));
    }

    /** True (once) when this exact signature over these bytes under this key was verified here before. */
    public boolean take(Ed25519.VerifyKey key, byte[] signingInput, String signature) {
        Binding recorded = current.remove(signature);
        if (recorded == null) {
            recorded = previous.remove(signature);
        }
        return recorded != null && recorded.matches(key, signingInput);
    }
}
