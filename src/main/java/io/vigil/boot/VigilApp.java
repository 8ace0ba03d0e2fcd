package io.vigil.boot;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vigil process: checks ports, prepares the data dir (TLS, tokens, database), starts the embedded
 * broker unless VIGIL_MQTT_URL is set, then Camel Main with the routes of its role. The demo fleet, a tool, is
 * started beside it by {@code vigil run}.
 */
public final class VigilApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VigilApp.class);

    private final VigilConfig config;
    private EmbeddedBroker broker;
    private HikariDataSource dataSource;
    private Vertx vertx;
    private EventsWebSocketComponent webSockets;
    private Main main;
    private io.vigil.ledger.DevChain devChain;
    private io.vigil.mqtt.BrokerSecurity brokerSecurity;
    private io.vigil.mqtt.BrokerHandOff handOff;
    private io.vigil.ledger.LedgerConnector ledger;

    public VigilApp(VigilConfig config) {
        this.config = config;
    }

    public VigilApp start() {
        String role = config.get("vigil.role");
        if (!role.equals("all") && !role.equals("gateway") && !role.equals("server")) {
            throw new StartupException("VIGIL_ROLE must be all, gateway or server, got '" + role + "'");
        }
        boolean gateway = !role.equals("server");
        boolean server = !role.equals("gateway");
        Path dataDir = config.dataDir();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StartupException("cannot create the data dir " + dataDir + " (set VIGIL_DATA_DIR): " + e.getMessage());
        }
        int httpPort = config.getInt("vigil.http.port");
        String host = config.get("vigil.http.host");
        boolean embeddedBroker = gateway && !config.isSet("vigil.mqtt.url");
        if (server) {
            Ports.requireFree(host, httpPort, "VIGIL_HTTP_PORT");
        }
        String mqttHost = config.get("vigil.mqtt.host");
        if (embeddedBroker) {
            Ports.requireFree(mqttHost, config.getInt("vigil.mqtt.port"), "VIGIL_MQTT_PORT");
            if (config.getInt("vigil.mqtt.tls-port") > 0) {
                Ports.requireFree(mqttHost, config.getInt("vigil.mqtt.tls-port"), "VIGIL_MQTT_TLS_PORT");
            }
        }
        // Vigil's own MQTT logins and the unguessable part of the gateway's client id (owner-only, PROTOCOL §1a).
        io.vigil.mqtt.ServiceCredentials mqttCredentials;
        try {
            OwnerOnly.directory(dataDir);
            mqttCredentials = io.vigil.mqtt.ServiceCredentials.ensure(dataDir);
        } catch (IOException e) {
            throw new StartupException("cannot write " + io.vigil.mqtt.ServiceCredentials.file(dataDir) + ": "
                    + e.getMessage());
        }
        boolean ledgerEnabled = config.getBoolean("vigil.ledger.enabled");
        boolean devChainNeeded = server && ledgerEnabled && !config.isSet("vigil.eth.url");
        if (devChainNeeded) {
            try {
                io.vigil.ledger.DevChain.stopOrphan(dataDir.resolve("ledger"));
            } catch (IOException e) {
                throw new StartupException("cannot read " + dataDir.resolve("ledger") + ": " + e.getMessage());
            }
            Ports.requireFree("127.0.0.1", config.getInt("vigil.ledger.dev-port"), "VIGIL_LEDGER_DEV_PORT");
        }
        DerivedSettings.apply(config, httpPort, embeddedBroker, mqttCredentials);
        java.util.List<String> devTokens = DevTokens.fill(config);
        DevTls.Material tls = DevTls.ensure(dataDir, hostnames(config.get("vigil.tls.hostnames")));

        // The ledger (the dev chain's start, about 3 s of Ganache) comes up beside the database and the broker.
        java.util.concurrent.CompletableFuture<LedgerSetup.Started> ledgerStart = server && ledgerEnabled
                ? java.util.concurrent.CompletableFuture.supplyAsync(() -> LedgerSetup.connect(config, dataDir,
                        devChainNeeded), r -> new Thread(r, "vigil-ledger-setup").start())
                : null;
        try {
            startStores(dataDir, embeddedBroker, mqttHost, mqttCredentials, tls);
        } catch (RuntimeException e) {
            if (ledgerStart != null) {
                try {
                    ledgerStart.join().close(); // no dev chain left running behind a failed start
                } catch (RuntimeException ledgerFailed) {
                    e.addSuppressed(ledgerFailed);
                }
            }
            throw e;
        }
        if (ledgerStart != null) {
            LedgerSetup.Started started;
            try {
                started = ledgerStart.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            devChain = started.devChain();
            ledger = started.connector();
        }
        vertx = Vertx.vertx();

        // Derived values that application.properties' camel.* keys name (camel.ssl.*, camel.server.enabled).
        config.put("vigil.http.enabled", String.valueOf(server));
        config.put("vigil.tls.key-store", tls.keyStore().toString());
        config.put("vigil.tls.password", tls.password());
        Path serverCa = config.isSet("vigil.server.ca") ? Path.of(config.get("vigil.server.ca")) : null;
        config.put("vigil.tls.trust-store", DevTls.trustStore(tls, serverCa).toString());
        Properties camel = config.asProperties();
        // Set only when there is a login: an empty one would be sent as an empty user name.
        if (!config.get("vigil.mqtt.username").isEmpty()) {
            camel.setProperty("camel.component.paho-mqtt5.user-name", config.get("vigil.mqtt.username"));
            camel.setProperty("camel.component.paho-mqtt5.password", config.get("vigil.mqtt.password"));
        }
        javax.net.ssl.SSLSocketFactory mqttTls = null;
        if (config.get("vigil.mqtt.effective-url").startsWith("ssl://")) {
            // MQTT over TLS: the broker's CA (VIGIL_MQTT_CA, else the dev CA) and, if given, our client certificate.
            mqttTls = DevTls.mqttSocketFactory(tls,
                    config.isSet("vigil.mqtt.ca") ? Path.of(config.get("vigil.mqtt.ca")) : null,
                    config.isSet("vigil.mqtt.client-keystore") ? Path.of(config.get("vigil.mqtt.client-keystore")) : null,
                    config.get("vigil.mqtt.client-keystore-password"));
            camel.setProperty("camel.component.paho-mqtt5.socket-factory", "#mqttSocketFactory");
        }

        main = new Main();
        main.setOverrideProperties(camel);
        main.bind("vertx", vertx);
        webSockets = EventsWebSocketComponent.on(vertx);
        main.bind("vertx-websocket", webSockets);
        main.bind("dataSource", dataSource);
        if (brokerSecurity != null) {
            main.bind("brokerSecurity", brokerSecurity);
        }
        if (mqttTls != null) {
            main.bind("mqttSocketFactory", mqttTls);
        }
        if (ledger != null) {
            main.bind("ledgerConnector", ledger);
        }
        try {
            main.start();
        } catch (Exception e) {
            close();
            throw new StartupException("Camel did not start: " + Database.rootMessage(e), e);
        }
        CamelContext context = main.getCamelContext();
        if (context == null || !context.isStarted()) {
            close();
            throw new StartupException("Camel did not start; see the log above");
        }
        if (brokerSecurity != null && config.getBoolean("vigil.mqtt.handoff") && context.getRoute("embedded-ingest") != null) {
            var guard = context.getRegistry().lookupByNameAndType("replayGuard", io.vigil.processors.ReplayGuard.class);
            handOff = new io.vigil.mqtt.BrokerHandOff(new io.vigil.processors.BrokerIngest(context, "direct:embedded-ingest"),
                    config.get("vigil.mqtt.topic"), guard::committing, guard::commitRunningSince,
                    config.getLong("vigil.mqtt.handoff-stall-ms"),
                    java.time.Duration.ofMillis(config.getLong("vigil.mqtt.handoff-timeout-ms")));
            brokerSecurity.handOff(handOff);
        }
        if (server) {
            org.apache.camel.ProducerTemplate events = context.createProducerTemplate();
            io.vigil.processors.EventStream stream =
                    context.getRegistry().lookupByNameAndType("eventStream", io.vigil.processors.EventStream.class);
            stream.sink(message -> events.sendBody("seda:ws-events", message));
            // The handshake of /ws/events: token in Sec-WebSocket-Protocol, refusals closed with 1008 (§6).
            var router = org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.lookup(context,
                    org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.getRouterNameFromPort(httpPort));
            SecurityHeaders.install(router);
            WebSocketAuth.install(router, "/ws/events", stream);
            MetricsAuth.install(router, context.getRegistry().lookupByNameAndType("apiAuth", io.vigil.processors.ApiAuth.class));
            ApiNotFound.install(router, "/api/v1");
        }

        Banner.print(config, httpPort, tls, devTokens, server, broker != null, ledger, devChain != null);
        return this;
    }

    /** The database (with start-up provisioning), the verifier's self-test and the embedded broker, in that order. */
    private void startStores(Path dataDir, boolean embeddedBroker, String mqttHost,
            io.vigil.mqtt.ServiceCredentials mqttCredentials, DevTls.Material tls) {
        String dbUrl = config.isSet("vigil.db.url") ? config.get("vigil.db.url") : Database.defaultUrl(dataDir);
        dataSource = Database.open(dbUrl, config.get("vigil.db.user"), config.get("vigil.db.password"),
                poolSize(dbUrl));
        if (!config.isSet("vigil.db.url")) {
            OwnerOnly.withFiles(dataDir.resolve("db")); // the H2 files: owner-only, like the rest of the data dir
        }
        try {
            io.vigil.crypto.Ed25519.selfTest(); // loads the verifier now (logs which), not on the first packet
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage(), e);
        }
        // Start-up work comes before anything consumes or answers: a device in VIGIL_DEVICES_FILE is known before
        // the first packet is read and before /health says up (one transaction, one batched insert).
        DevicesFile.provisionConfigured(config, dataSource);
        if (embeddedBroker) {
            brokerSecurity = new io.vigil.mqtt.BrokerSecurity(mqttCredentials, config.get("vigil.mqtt.topic"),
                    config.get("vigil.command.topic-prefix"));
            broker = EmbeddedBroker.start(dataDir.resolve("broker"), mqttHost, config.getInt("vigil.mqtt.port"),
                    Math.max(100_000, config.getLong("vigil.mqtt.receive-maximum") * 10),
                    new EmbeddedBroker.Tls(config.getInt("vigil.mqtt.tls-port"), tls.keyStore(), tls.trustStore(),
                            tls.password(), config.get("vigil.mqtt.tls-client-auth")), brokerSecurity);
        }
    }

    /**
     * Connections for this process: as configured, else for the embedded H2 one per ingest worker (measured: 526
     * msg/s with 68 against 433 with 20), for a shared server database 20, within max_connections.
     */
    private int poolSize(String dbUrl) {
        int configured = config.getInt("vigil.db.pool-size");
        if (configured > 0) {
            return configured;
        }
        return dbUrl.startsWith("jdbc:h2:") ? Math.max(8, config.getInt("vigil.mqtt.workers") + 4) : 20;
    }

    static java.util.List<String> hostnames(String commaSeparated) {
        return java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
    }

    public VigilConfig config() {
        return config;
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /** Whether this process runs the gateway (role all or gateway) and with it the embedded broker, if any. */
    public boolean gateway() {
        return !config.get("vigil.role").equals("server");
    }

    /** Whether the MQTT broker is the embedded one (no VIGIL_MQTT_URL). */
    public boolean embeddedBroker() {
        return broker != null;
    }

    @Override
    public void close() {
        if (devChain != null) {
            devChain.stopping();
        }
        if (brokerSecurity != null) {
            brokerSecurity.handOff(null); // later packets wait in the gateway's session
        }
        if (handOff != null) {
            handOff.close();
        }
        if (main != null) {
            CamelContext context = main.getCamelContext();
            if (webSockets != null && context != null && context.isStarted()) {
                webSockets.goingAway(java.time.Duration.ofSeconds(5)); // logs any that did not answer
            }
            try {
                main.stop();
            } catch (Exception e) {
                LOG.warn("Camel did not stop cleanly: {}", e.getMessage());
            }
            if (context != null && gateway()) {
                GatewayMqttClient client = context.getRegistry().lookupByNameAndType("gatewayMqttClient", GatewayMqttClient.class);
                if (client != null) {
                    client.close();
                }
            }
        }
        if (vertx != null) {
            vertx.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (ledger != null) {
            ledger.close();
        }
        if (devChain != null) {
            devChain.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        LOG.info("Vigil stopped");
    }
}
