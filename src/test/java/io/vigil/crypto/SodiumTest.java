package io.vigil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * libsodium and Bouncy Castle give the same verdict on signatures a signer makes (valid, another message, a flipped
 * bit, another key), and libsodium refuses the crafted small-order R that Bouncy Castle takes (the difference
 * {@link Sodium} documents). Needs the machine's libsodium (Debian's libsodium23, which .ci/run installs).
 */
class SodiumTest {

    private static byte[] raw(String b64) {
        return Base64.getUrlDecoder().decode(b64);
    }

    private static boolean bc(byte[] sig, byte[] message, byte[] key) {
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(sig, 0,
                org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(key, 0), message, 0, message.length);
    }

    @Test
    void agreesWithBouncyCastleOnWhatSignersMake() {
        assumeTrue(Sodium.available(), "libsodium is not installed here");
        Random random = new Random(25519);
        for (int n = 0; n < 300; n++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            Ed25519PrivateKeyParameters key = Ed25519.privateKey(seed);
            byte[] pk = key.generatePublicKey().getEncoded();
            byte[] message = new byte[random.nextInt(300)];
            random.nextBytes(message);
            byte[] sig = raw(Ed25519.sign(key, message));
            byte[] other = message.clone();
            byte[] flipped = sig.clone();
            flipped[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
            if (other.length > 0) {
                other[random.nextInt(other.length)] ^= 1;
            }
            byte[] otherKey = Ed25519.privateKey(new byte[] {(byte) n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}).generatePublicKey().getEncoded();
            assertThat(Sodium.verify(sig, message, pk)).isTrue().isEqualTo(bc(sig, message, pk));
            assertThat(Sodium.verify(flipped, message, pk)).isFalse().isEqualTo(bc(flipped, message, pk));
            assertThat(Sodium.verify(sig, message, otherKey)).isEqualTo(bc(sig, message, otherKey)).isFalse();
            if (other.length > 0) {
                assertThat(Sodium.verify(sig, other, pk)).isFalse().isEqualTo(bc(sig, other, pk));
            }
        }
    }

    @Test
    void verifyKeyUsesItAndKeepsTheSpellingRule() {
        assumeTrue(Sodium.available(), "libsodium is not installed here");
        Ed25519PrivateKeyParameters key = Ed25519.privateKey(new byte[32]);
        Ed25519.VerifyKey vk = Ed25519.VerifyKey.of(Ed25519.encode(key.generatePublicKey()));
        byte[] message = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String sig = Ed25519.sign(key, message);
        assertThat(vk.verify(message, sig)).isTrue();
        char last = sig.charAt(85);
        String respelled = sig.substring(0, 85) + (char) (last == 'A' ? 'B' : last + 1);
        assertThat(vk.verify(message, respelled)).isFalse();
    }

    /** R = the identity point, S = k·a: valid under the plain equation; libsodium blocks small-order R. */
    @Test
    void refusesASmallOrderRThatBouncyCastleTakes() throws Exception {
        assumeTrue(Sodium.available(), "libsodium is not installed here");
        byte[] seed = new byte[32];
        seed[0] = 7;
        Ed25519PrivateKeyParameters key = Ed25519.privateKey(seed);
        byte[] pk = key.generatePublicKey().getEncoded();
        byte[] h = MessageDigest.getInstance("SHA-512").digest(seed);
        h[0] &= (byte) 248;
        h[31] &= 127;
        h[31] |= 64;
        BigInteger a = littleEndian(h, 32);
        BigInteger order = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
        byte[] r = HexFormat.of().parseHex("0100000000000000000000000000000000000000000000000000000000000000");
        byte[] message = "crafted".getBytes(StandardCharsets.UTF_8);
        MessageDigest d = MessageDigest.getInstance("SHA-512");
        d.update(r);
        d.update(pk);
        d.update(message);
        BigInteger k = littleEndian(d.digest(), 64).mod(order);
        byte[] s = k.multiply(a).mod(order).toByteArray();
        byte[] sig = new byte[64];
        System.arraycopy(r, 0, sig, 0, 32);
        for (int i = 0; i < s.length && i < 32; i++) {
            sig[32 + i] = s[s.length - 1 - i];
        }
        assertThat(bc(sig, message, pk)).isTrue();
        assertThat(Sodium.verify(sig, message, pk)).isFalse();
    }

    private static BigInteger littleEndian(byte[] b, int len) {
        byte[] be = new byte[len];
        for (int i = 0; i < len; i++) {
            be[i] = b[len - 1 - i];
        }
        return new BigInteger(1, be);
    }
}
