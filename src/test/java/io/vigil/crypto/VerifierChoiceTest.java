package io.vigil.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code VIGIL_ED25519=bc} (here its system property) makes a process verify with Bouncy Castle, says so at start,
 * and that verifier passes the start-up self-test: valid signatures verify, a changed message does not. Runs in a
 * JVM of its own, as the choice is made once per process.
 */
class VerifierChoiceTest {

    /** The child process: the self-test, a valid signature, a changed message. */
    public static void main(String[] args) {
        Ed25519.selfTest();
        var key = Ed25519.privateKey(new byte[32]);
        Ed25519.VerifyKey verifyKey = Ed25519.VerifyKey.of(Ed25519.encode(key.generatePublicKey()));
        byte[] message = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String sig = Ed25519.sign(key, message);
        System.out.println("sodium=" + Sodium.available() + " valid=" + verifyKey.verify(message, sig) + " changed="
                + verifyKey.verify("{\"a\":2}".getBytes(StandardCharsets.UTF_8), sig));
    }

    @Test
    void bouncy_castle_when_asked_is_said_and_verifies() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dvigil.ed25519=bc", "-cp", System.getProperty("java.class.path"), VerifierChoiceTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Ed25519 verification: Bouncy Castle (VIGIL_ED25519=bc)")
                .contains("sodium=false valid=true changed=false");
    }
}
