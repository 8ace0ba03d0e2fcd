package io.vigil.boot;

import io.vigil.processors.DeviceRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provisions devices listed in a file of {@code device_id,public_key} lines ('#' comments); existing ones are kept. */
public final class DevicesFile {

    private DevicesFile() {
    }

    /** Provisions every device of the file in one transaction; returns how many were new. */
    public static int provision(Path file, DeviceRegistry registry) {
        java.util.List<String[]> pairs = new java.util.ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split(",");
                if (parts.length != 2) {
                    throw new StartupException("VIGIL_DEVICES_FILE " + file
                            + ": expected device_id,public_key, got '" + trimmed + "'");
                }
                pairs.add(new String[] {parts[0].trim(), parts[1].trim()});
            }
        } catch (IOException e) {
            throw new StartupException("VIGIL_DEVICES_FILE: cannot read " + file);
        }
        try {
            return registry.provisionAll(pairs, System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            throw new StartupException("VIGIL_DEVICES_FILE " + file + ": " + e.getMessage());
        }
    }
}
