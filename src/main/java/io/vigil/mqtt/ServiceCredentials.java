package io.vigil.mqtt;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * Vigil's own MQTT clients on the embedded broker (PROTOCOL v1.1 §1a): the service (gateway subscriber and command
 * publisher) and the demo fleet, each with a random password kept owner-only in
 * {@code <data>/mqtt-credentials.properties}, plus the random part of the gateway's client id, so nobody can guess
 * or take over its durable session. Created on first start, kept afterwards.
 */
public final class ServiceCredentials {

    /** Usernames hold ':' so they can never be a device id ({@code ^[a-z0-9][a-z0-9_-]{2,63}$}). */
    public static final String SERVICE = "vigil:service";
    public static final String FLEET = "vigil:fleet";
    /** Client ids with this prefix are Vigil's own; a device may not use them. */
    public static final String RESERVED_CLIENT_PREFIX = "vigil-";

    private final String servicePassword;
    private final String fleetPassword;
    private final String clientNonce;
    private final Path file;

    private ServiceCredentials(Path file, String servicePassword, String fleetPassword, String clientNonce) {
        this.file = file;
        this.servicePassword = servicePassword;
        this.fleetPassword = fleetPassword;
        this.clientNonce = clientNonce;
    }

    public static Path file(Path dataDir) {
        return dataDir.resolve("mqtt-credentials.properties");
    }

    /** Reads the data dir's credentials, creating them (owner-only) the first time. */
    public static synchronized ServiceCredentials ensure(Path dataDir) throws IOException {
        Path file = file(dataDir);
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        boolean changed = false;
        for (String key : new String[] {"service.password", "fleet.password", "gateway.client-nonce"}) {
            if (p.getProperty(key, "").isBlank()) {
                p.setProperty(key, random(key.endsWith("nonce") ? 12 : 32));
                changed = true;
            }
        }
        if (changed) {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                p.store(w, "Vigil's own MQTT clients on the embedded broker (owner-only; PROTOCOL v1.1 section 1a).\n"
                        + " username vigil:service = the gateway and the command publisher, vigil:fleet = the demo fleet");
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return new ServiceCredentials(file, p.getProperty("service.password"), p.getProperty("fleet.password"),
                p.getProperty("gateway.client-nonce"));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).replace('-', 'a').replace('_', 'b');
    }

    public String servicePassword() {
        return servicePassword;
    }

    public String fleetPassword() {
        return fleetPassword;
    }

    /** The unguessable part of this data dir's gateway client id. */
    public String clientNonce() {
        return clientNonce;
    }

    public Path path() {
        return file;
    }

    /** Constant-time comparison of a presented password with the expected one. */
    static boolean matches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ServiceCredentials(" + file + ")"; // never the passwords
    }
}
