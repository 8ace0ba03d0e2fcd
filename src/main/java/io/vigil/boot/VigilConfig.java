package io.vigil.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Effective configuration: application.properties, overridden by environment variables named after
 * each key (vigil.http.port -> VIGIL_HTTP_PORT), then by system properties, then by explicit overrides.
 * The same rule Camel's property placeholders apply, so Java and the routes see the same values.
 */
public final class VigilConfig {

    private final Properties values;

    private VigilConfig(Properties values) {
        this.values = values;
    }

    /** Loads the defaults from the classpath and applies the environment, system properties and overrides. */
    public static VigilConfig load(Map<String, String> environment, Map<String, String> overrides) {
        Properties defaults = new Properties();
        try (InputStream in = VigilConfig.class.getResourceAsStream("/application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is missing from the classpath");
            }
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties effective = new Properties();
        for (String key : defaults.stringPropertyNames()) {
            String value = defaults.getProperty(key).trim();
            String fromEnv = environment.get(envName(key));
            if (fromEnv != null) {
                value = fromEnv.trim();
            }
            String fromSystem = System.getProperty(key);
            if (fromSystem != null) {
                value = fromSystem.trim();
            }
            effective.setProperty(key, value);
        }
        overrides.forEach(effective::setProperty);
        return new VigilConfig(effective);
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A value; empty string when set empty; an error naming the key when missing. */
    public String get(String key) {
        String value = values.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("no configuration key " + key);
        }
        return value;
    }

    public boolean isSet(String key) {
        return !get(key).isEmpty();
    }

    public int getInt(String key) {
        return (int) getLong(key);
    }

    public long getLong(String key) {
        String value = get(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(envName(key) + " must be a whole number, got '" + value + "'", e);
        }
    }

    public boolean getBoolean(String key) {
        String value = get(key).trim().toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(envName(key) + " must be true or false, got '" + value + "'");
        }
        return value.equals("true");
    }

    public double getDouble(String key) {
        String value = get(key);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(envName(key) + " must be a number, got '" + value + "'", e);
        }
    }

    /** Sets a derived value (effective broker URL, generated tokens) so the routes see it too. */
    public void put(String key, String value) {
        values.setProperty(key, value);
    }

    public Path dataDir() {
        return Path.of(get("vigil.data.dir")).toAbsolutePath().normalize();
    }

    /** All values, for Camel's property placeholders. */
    public Properties asProperties() {
        Properties copy = new Properties();
        copy.putAll(values);
        return copy;
    }
}
