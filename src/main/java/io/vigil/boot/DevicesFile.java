package io.vigil.boot;

import io.vigil.processors.DeviceRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provisions devices listed in a file of {@code device_id,public_key} lines ('#' comments); existing ones are kept. */
public final class DevicesFile {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DevicesFile.class);

    private DevicesFile() {
    }

    /** VIGIL_DEVICES_FILE, if set: provisions it at start-up and logs how many devices were new. */
    static void provisionConfigured(VigilConfig config, javax.sql.DataSource dataSource) {
        if (config.isSet("vigil.devices.file")) {
            long began = System.currentTimeMillis();
            Path file = Path.of(config.get("vigil.devices.file"));
            int created = provision(file, new DeviceRegistry(dataSource));
            LOG.info("provisioned {} new devices from {} in {} ms", created, file, System.currentTimeMillis() - began);
        }
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
