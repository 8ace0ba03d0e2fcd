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

// The server's secrets that are not tokens: the Ed25519 command key and the AES key for data at rest.

/**
 * The server's Ed25519 command key (PROTOCOL §2): its 32-byte seed from VIGIL_COMMAND_KEY (base64url), or
 * generated once into {@code <data>/keys/command-key} (owner-only) for a dev setup.
 */
public final class CommandKey {

    private CommandKey() {
    }

    public static Ed25519PrivateKeyParameters load(String configured, Path dataDir) {
        return Ed25519.privateKey(secret(configured, "VIGIL_COMMAND_KEY", dataDir, "command-key"));
    }

    /** The data-at-rest key (AES-256) from VIGIL_DATA_KEY, or generated once into {@code <data>/keys/data-key}. */
    public static byte[] dataKey(String configured, Path dataDir) {
        return secret(configured, "VIGIL_DATA_KEY", dataDir, "data-key");
    }

    /** 32 secret bytes: base64url from the environment, else a file in {@code <data>/keys} made once, owner-only. */
    static byte[] secret(String configured, String variable, Path dataDir, String fileName) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.trim(), variable);
        }
        Path file = dataDir.resolve("keys").resolve(fileName);
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file).trim(), file.toString());
            }
            byte[] seed = new byte[32];
            new SecureRandom().nextBytes(seed);
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(seed);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(fileName + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, encoded + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return seed;
        } catch (IOException e) {
            throw new StartupException("cannot read or create the key " + file + " (or set " + variable + "): "
                    + e.getMessage(), e);
        }
    }

    private static byte[] decode(String base64url, String source) {
        byte[] seed;
        try {
            seed = Base64.getUrlDecoder().decode(base64url);
        } catch (IllegalArgumentException e) {
            throw new StartupException(source + " is not base64url");
        }
        if (seed.length != 32) {
            throw new StartupException(source + " must hold 32 bytes (base64url), got " + seed.length + " bytes");
        }
        return seed;
    }
}
