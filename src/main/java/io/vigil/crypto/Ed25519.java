package io.vigil.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 (RFC 8032) signing and key validation with Bouncy Castle, verification with libsodium where the machine has
 * it ({@link Sodium}), keys and signatures as base64url without padding.
 */
public final class Ed25519 {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private Ed25519() {
    }

    /** A signing key from its 32-byte seed. */
    public static Ed25519PrivateKeyParameters privateKey(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
        }
        return new Ed25519PrivateKeyParameters(seed, 0);
    }

    /** The demo fleet's key: seed = SHA-256("vigil-demo-device:" + deviceId) (PROTOCOL §5; demo only). */
    public static Ed25519PrivateKeyParameters demoKey(String deviceId) {
        return privateKey(sha256(("vigil-demo-device:" + deviceId).getBytes(StandardCharsets.UTF_8)));
    }

    /** A verification key from its base64url raw 32 bytes; rejects anything else. */
    public static Ed25519PublicKeyParameters publicKey(String base64url) {
        byte[] raw;
        try {
            raw = B64URL_DECODER.decode(base64url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public key is not base64url", e);
        }
        if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + raw.length);
        }
        return new Ed25519PublicKeyParameters(raw, 0);
    }

    /** base64url of a public key's raw bytes. */
    public static String encode(Ed25519PublicKeyParameters key) {
        return B64URL.encodeToString(key.getEncoded());
    }

    /** Signs and returns the signature as base64url without padding. */
    public static String sign(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return B64URL.encodeToString(signer.generateSignature());
    }

    /** A public key decoded and validated once, so each verification skips point decompression. */
    public static final class VerifyKey {
        private final org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint point;
        private final byte[] raw;
        private final String encoded;

        private VerifyKey(org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint point, byte[] raw, String encoded) {
            this.point = point;
            this.raw = raw;
            this.encoded = encoded;
        }

        /** Decodes base64url raw 32 bytes; rejects malformed keys and points not on the curve. */
        public static VerifyKey of(String base64url) {
            byte[] raw = publicKey(base64url).getEncoded();
            org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint point =
                    org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(raw, 0);
            if (point == null) {
                throw new IllegalArgumentException("public key is not a valid Ed25519 point");
            }
            return new VerifyKey(point, raw, base64url);
        }

        /** True when the base64url signature verifies over the message. */
        public boolean verify(byte[] message, String signature) {
            byte[] sig;
            try {
                sig = B64URL_DECODER.decode(signature);
            } catch (IllegalArgumentException e) {
                return false;
            }
            // Only the canonical spelling (PROTOCOL v1.1 §1): 86 characters whose unused low bits are zero, so one
            // signature has exactly one string and a re-encoded copy cannot pass as another packet.
            return sig.length == org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE
                    && B64URL.encodeToString(sig).equals(signature)
                    && (Sodium.available() ? Sodium.verify(sig, message, raw)
                            : org.bouncycastle.math.ec.rfc8032.Ed25519.verify(sig, 0, point, message, 0, message.length));
        }

        public String encoded() {
            return encoded;
        }
    }

    /**
     * Start-up self-test of the verifier this process uses (libsodium or Bouncy Castle): a signature made here must
     * verify and a changed message must not. Run before anything is consumed, so that loading the native library
     * and the first verification's class loading do not stall the first packet's worker while later packets overtake
     * it (a replayed copy could then arrive first).
     */
    public static void selfTest() {
        Ed25519PrivateKeyParameters key = privateKey(sha256("vigil-verifier-self-test".getBytes(StandardCharsets.UTF_8)));
        VerifyKey verifyKey = VerifyKey.of(encode(key.generatePublicKey()));
        byte[] message = "{\"self_test\":1}".getBytes(StandardCharsets.UTF_8);
        String sig = sign(key, message);
        byte[] other = "{\"self_test\":2}".getBytes(StandardCharsets.UTF_8);
        if (!verifyKey.verify(message, sig) || verifyKey.verify(other, sig)) {
            throw new IllegalStateException("the Ed25519 verifier failed its self-test ("
                    + (Sodium.available() ? "libsodium; set VIGIL_ED25519=bc to use Bouncy Castle" : "Bouncy Castle") + ")");
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }
}
