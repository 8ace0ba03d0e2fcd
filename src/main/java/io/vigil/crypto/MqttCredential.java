package io.vigil.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The device's MQTT CONNECT password (PROTOCOL v1.1 §1a): {@code v1.<unix_ms>.<sig>}, sig = Ed25519 with the
 * device's own packet key over {@code "vigil-mqtt-v1\n" + device_id + "\n" + unix_ms}. No second secret.
 */
public final class MqttCredential {

    /** |server time − unix_ms| allowed, in milliseconds. */
    public static final long MAX_SKEW_MS = 300_000;

    private MqttCredential() {
    }

    /** Why a credential was refused: no such form, a signature that does not verify, or out of its 300 s. */
    public enum Verdict { VALID, MALFORMED, BAD_SIGNATURE, STALE }

    public static byte[] signedBytes(String deviceId, long unixMs) {
        return ("vigil-mqtt-v1\n" + deviceId + "\n" + unixMs).getBytes(StandardCharsets.UTF_8);
    }

    public static String password(Ed25519PrivateKeyParameters key, String deviceId, long unixMs) {
        return "v1." + unixMs + "." + Ed25519.sign(key, signedBytes(deviceId, unixMs));
    }

    public static Verdict check(Ed25519.VerifyKey key, String deviceId, String password, long now) {
        if (password == null || !password.startsWith("v1.")) {
            return Verdict.MALFORMED;
        }
        int dot = password.indexOf('.', 3);
        if (dot < 0) {
            return Verdict.MALFORMED;
        }
        String ms = password.substring(3, dot);
        // Decimal digits only, as the device wrote them: the signed text is this exact spelling.
        if (ms.isEmpty() || ms.length() > 16 || !ms.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                || (ms.length() > 1 && ms.charAt(0) == '0')) {
            return Verdict.MALFORMED;
        }
        long unixMs = Long.parseLong(ms);
        if (!key.verify(signedBytes(deviceId, unixMs), password.substring(dot + 1))) {
            return Verdict.BAD_SIGNATURE;
        }
        return Math.abs(now - unixMs) <= MAX_SKEW_MS ? Verdict.VALID : Verdict.STALE;
    }
}
