package io.vigil.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where simulated devices resume counting after a restart. A real device keeps its counter in flash;
 * the demo takes the wall clock in milliseconds, which only ever grows, and remembers it for the record.
 */
final class SequenceStore {

    private SequenceStore() {
    }

    static long resume(Path file) {
        long start = System.currentTimeMillis();
        try {
            if (Files.exists(file)) {
                start = Math.max(start, Long.parseLong(Files.readString(file).trim()) + 1_000_000);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Long.toString(start));
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot keep simulator sequence numbers in " + file + ": " + e.getMessage(), e);
        }
        return start;
    }
}
