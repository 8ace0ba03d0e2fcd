package io.vigil.boot;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * Bearer tokens per role from VIGIL_*_TOKEN; a role left unset gets a random development token, made once
 * and kept in {@code <data>/dev-tokens.properties} (owner-only), so a restart keeps working logins.
 */
public final class DevTokens {

    private static final String[] ROLES = {"admin", "operator", "viewer", "gateway"};

    private DevTokens() {
    }

    /** Fills unset token keys; returns the roles whose token is a development token (set ones are not). */
    public static java.util.List<String> fill(VigilConfig config) {
        Path file = config.dataDir().resolve("dev-tokens.properties");
        Properties stored = new Properties();
        try {
            if (Files.exists(file)) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    stored.load(reader);
                }
            }
            boolean generated = false;
            java.util.List<String> used = new java.util.ArrayList<>();
            for (String role : ROLES) {
                String key = "vigil." + role + ".token";
                if (config.isSet(key)) {
                    continue;
                }
                used.add(role);
                String token = stored.getProperty(key);
                if (token == null) {
                    byte[] secret = new byte[24];
                    new SecureRandom().nextBytes(secret);
                    token = role + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
                    stored.setProperty(key, token);
                    generated = true;
                }
                config.put(key, token);
            }
            if (generated) {
                Files.createDirectories(file.getParent());
                StringBuilder text = new StringBuilder("# Development tokens, made because VIGIL_*_TOKEN were unset.\n");
                for (String key : stored.stringPropertyNames()) {
                    text.append(key).append('=').append(stored.getProperty(key)).append('\n');
                }
                DevTls.writePrivate(file, text.toString());
            }
            return used;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep development tokens in " + file, e);
        }
    }
}
