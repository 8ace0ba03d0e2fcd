package io.vigil.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The data dir holds keys, tokens, credentials and the database: owner-only where the file system can say so. */
final class OwnerOnly {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);

    private OwnerOnly() {
    }

    /** A directory and the files in it, owner-only (0700 / 0600) where the file system can say so. */
    static void withFiles(Path dir) {
        try {
            directory(dir);
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot make {} owner-only: {}", dir, e.getMessage());
        }
    }

    /** The data dir holds keys, tokens and credentials: owner-only where the file system can say so. */
    static void directory(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }
}
