package io.vigil.boot;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded MQTT 5 broker: HiveMQ CE (MQTT 5 with shared subscriptions and durable sessions; Moquette
 * speaks only MQTT 3.1.1). Its queue limit is raised because HiveMQ drops QoS 1 messages silently when a
 * client's queue is full, and its receive maximum (10 in-flight publishes per client by default) so devices and
 * load generators are not throttled to a trickle. Retained messages are off, and {@code io.vigil.mqtt.BrokerSecurity}
 * decides who connects and what each client may publish and subscribe.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final EmbeddedHiveMQ hivemq;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq) {
        this.hivemq = hivemq;
    }

    /** The TLS listener: port, the server key store and trust store (PKCS12, one password), client-auth mode. */
    public record Tls(int port, Path keyStore, Path trustStore, String password, String clientAuthentication) {
    }

    public static EmbeddedBroker start(Path home, String host, int port, long maxQueue, Tls tls,
            com.hivemq.extension.sdk.api.ExtensionMain security) {
        try {
            Path conf = Files.createDirectories(home.resolve("conf"));
            Path data = Files.createDirectories(home.resolve("data"));
            Path extensions = Files.createDirectories(home.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                        <listeners>
                            <tcp-listener>
                                <port>%d</port>
                                <bind-address>%s</bind-address>
                            </tcp-listener>
                    %s    </listeners>
                        <mqtt>
                            <retained-messages>
                                <enabled>false</enabled>
                            </retained-messages>
                            <queued-messages>
                                <max-queue-size>%d</max-queue-size>
                                <strategy>discard</strategy>
                            </queued-messages>
                            <receive-maximum>
                                <server-receive-maximum>65535</server-receive-maximum>
                            </receive-maximum>
                            <session-expiry>
                                <max-interval>4294967295</max-interval>
                            </session-expiry>
                        </mqtt>
                        <restrictions>
                            <max-client-id-length>256</max-client-id-length>
                        </restrictions>
                        <anonymous-usage-statistics>
                            <enabled>false</enabled>
                        </anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port, host, tlsListener(host, tls), maxQueue));
            restrict(conf.resolve("config.xml"));
            EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(data)
                    .withExtensionsFolder(extensions)
                    .withoutLoggingBootstrap()
                    // PROTOCOL v1.1 §1a: device and service logins, default-deny topic rights, sender stamping.
                    .withEmbeddedExtension(com.hivemq.embedded.EmbeddedExtension.builder().withId("vigil-security")
                            .withName("Vigil broker security").withVersion("1.1").withAuthor("Vigil")
                            .withPriority(1000).withStartPriority(1000).withExtensionMain(security).build())
                    .build();
            hivemq.start().get(60, TimeUnit.SECONDS);
            return new EmbeddedBroker(hivemq);
        } catch (IOException e) {
            throw new StartupException("cannot prepare the broker folder " + home + ": " + e.getMessage(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new StartupException("the embedded MQTT broker did not start on port " + port
                    + " (set VIGIL_MQTT_PORT, or VIGIL_MQTT_URL for an external broker): "
                    + Database.rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting the broker", e);
        }
    }

    /** A tls-tcp-listener element with the dev server certificate, or nothing. */
    static String tlsListener(String host, Tls tls) {
        if (tls == null || tls.port() <= 0) {
            return "";
        }
        String mode = switch (tls.clientAuthentication()) {
            case "required" -> "REQUIRED";
            case "optional" -> "OPTIONAL";
            case "none" -> "NONE";
            default -> throw new StartupException("VIGIL_MQTT_TLS_CLIENT_AUTH must be required, optional or none, got '"
                    + tls.clientAuthentication() + "'");
        };
        return """
                        <tls-tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <tls>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                                <truststore>
                                    <path>%s</path>
                                    <password>%s</password>
                                </truststore>
                                <client-authentication-mode>%s</client-authentication-mode>
                                <protocols><protocol>TLSv1.3</protocol><protocol>TLSv1.2</protocol></protocols>
                            </tls>
                        </tls-tcp-listener>
                """.formatted(tls.port(), host, xml(tls.keyStore().toAbsolutePath().toString()), xml(tls.password()),
                xml(tls.password()), xml(tls.trustStore().toAbsolutePath().toString()), xml(tls.password()), mode);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The config holds the key store password: owner-only where the file system can say so. */
    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system; the data dir's own protection applies
        }
    }

    @Override
    public void close() {
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }
}
