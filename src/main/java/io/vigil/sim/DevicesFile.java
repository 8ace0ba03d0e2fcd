package io.vigil.sim;

import io.vigil.processors.DeviceRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provisions devices listed in a file of {@code device_id,public_key} lines ('#' comments); existing ones are kept. */
public final class DevicesFile {

    private DevicesFile() {
    }

    public static int provision(Path file, DeviceRegistry registry) {
        int created = 0;
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split(",");
                if (parts.length != 2) {
                    throw new IllegalArgumentException(file + ": expected device_id,public_key, got '" + trimmed + "'");
                }
                if (registry.provision(parts[0].trim(), parts[1].trim(), System.currentTimeMillis())
                        == DeviceRegistry.Provisioned.CREATED) {
                    created++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read devices file " + file, e);
        }
        return created;
    }
}
