package io.vigil.boot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;

/** The settings that follow from others, computed once at start and put into the configuration the routes read. */
final class DerivedSettings {

    private DerivedSettings() {
    }

    /** Values the routes need that follow from others: broker URL, subscription, client id, server URL. */
    static void apply(VigilConfig config, int httpPort, boolean embeddedBroker, io.vigil.mqtt.ServiceCredentials mqttCredentials) {
        if (!config.isSet("vigil.gateway.id")) {
            String hostName;
            try {
                hostName = InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9_-]", "-");
            } catch (IOException e) {
                hostName = "local";
            }
            config.put("vigil.gateway.id", ("gw-" + hostName).substring(0, Math.min(64, 3 + hostName.length())));
        }
        String brokerUrl = embeddedBroker
                ? "tcp://127.0.0.1:" + config.getInt("vigil.mqtt.port")
                : config.get("vigil.mqtt.url");
        if (brokerUrl.isEmpty()) {
            brokerUrl = "tcp://127.0.0.1:" + config.getInt("vigil.mqtt.port");
        }
        config.put("vigil.mqtt.effective-url", brokerUrl);
        String topic = config.get("vigil.mqtt.topic");
        config.put("vigil.mqtt.subscription", config.isSet("vigil.mqtt.share-group")
                ? "$share/" + config.get("vigil.mqtt.share-group") + "/" + topic : topic);
        // Nobody can guess it, so nobody can take over the gateway's durable session (and the broker keeps a client
        // id to the login that first used it); kept in the data dir, so the session survives restarts.
        config.put("vigil.mqtt.client-id", "vigil-" + config.get("vigil.gateway.id") + "-" + mqttCredentials.clientNonce());
        if (embeddedBroker) {
            config.put("vigil.mqtt.username", io.vigil.mqtt.ServiceCredentials.SERVICE);
            config.put("vigil.mqtt.password", mqttCredentials.servicePassword());
        }
        // Gateway and server in one process: batches go to the server's ingest route in-process (same route, same
        // token check, same re-verification), not over HTTPS to itself.
        config.put("vigil.forward.in-process", String.valueOf(
                config.get("vigil.role").equals("all") && !config.isSet("vigil.server.url")));
        if (!config.isSet("vigil.server.url")) {
            config.put("vigil.server.url", "https://localhost:" + httpPort);
        }
        URI.create(config.get("vigil.server.url"));
    }
}
