package io.vigil.boot;

import io.vigil.crypto.Ed25519;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The server's Ed25519 command key (PROTOCOL §2): its 32-byte seed from VIGIL_COMMAND_KEY (base64url), or
 * generated once into {@code <data>/keys/command-key} (owner-only) for a dev setup.
 */
public final class CommandKey {

    private CommandKey() {
    }

    public static Ed25519PrivateKeyParameters load(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.trim(), "VIGIL_COMMAND_KEY");
        }
        Path file = dataDir.resolve("keys").resolve("command-key");
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file).trim(), file.toString());
            }
            byte[] seed = new byte[32];
            new SecureRandom().nextBytes(seed);
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(seed);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("command-key.tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, encoded + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return Ed25519.privateKey(seed);
        } catch (IOException e) {
            throw new StartupException("cannot read or create the command key " + file + ": " + e.getMessage(), e);
        }
    }

    private static Ed25519PrivateKeyParameters decode(String base64url, String source) {
        byte[] seed;
        try {
            seed = Base64.getUrlDecoder().decode(base64url);
        } catch (IllegalArgumentException e) {
            throw new StartupException(source + " is not base64url");
        }
        if (seed.length != 32) {
            throw new StartupException(source + " must be a 32-byte Ed25519 seed, got " + seed.length + " bytes");
        }
        return Ed25519.privateKey(seed);
    }
}
