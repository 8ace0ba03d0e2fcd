package io.vigil.boot;

import io.vigil.processors.ApiAuth;
import io.vigil.processors.ApiErrors;
import io.vigil.processors.BatchForwarder;
import io.vigil.processors.GroupCommit;
import io.vigil.processors.BatchStore;
import io.vigil.ledger.LedgerConnector;
import io.vigil.processors.DeviceApi;
import io.vigil.processors.DeviceCommands;
import io.vigil.processors.LedgerOutbox;
import io.vigil.processors.LedgerWriter;
import io.vigil.processors.DeviceRegistry;
import io.vigil.processors.EventStream;
import io.vigil.processors.GatewayCounters;
import io.vigil.processors.HealthCheck;
import io.vigil.processors.MlEnricher;
import io.vigil.processors.JsonlExporter;
import io.vigil.processors.PacketValidator;
import io.vigil.processors.ReplayGuard;
import io.vigil.processors.SanityChecker;
import io.vigil.processors.SecurityEventRecorder;
import io.vigil.processors.SignatureVerifier;
import io.vigil.processors.VerifiedSignatures;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/** The one place the routes' beans are made and bound, from the {@code dataSource} bean and vigil.* properties. */
public class VigilBeans implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent p = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        DataSource dataSource = registry.lookupByNameAndType("dataSource", DataSource.class);
        if (dataSource == null) {
            throw new IllegalStateException("no dataSource bean bound");
        }
        String gatewayId = prop(p, "vigil.gateway.id");
        LedgerConnector ledger = registry.lookupByNameAndType("ledgerConnector", LedgerConnector.class);
        LedgerOutbox outbox = new LedgerOutbox(Boolean.parseBoolean(prop(p, "vigil.ledger.enabled")));
        Path dataDir = Path.of(prop(p, "vigil.data.dir"));
        io.vigil.crypto.FieldCipher cipher = new io.vigil.crypto.FieldCipher(
                CommandKey.dataKey(p.resolveProperty("vigil.data.key").orElse(""), dataDir));

        PacketValidator validator = new PacketValidator(intProp(p, "vigil.packet.max-bytes"));
        DeviceRegistry devices = new DeviceRegistry(dataSource);
        GatewayCounters counters = new GatewayCounters(dataSource, gatewayId);
        registry.bind("packetValidator", validator);
        registry.bind("sanityChecker", new SanityChecker(
                Long.parseLong(prop(p, "vigil.sanity.max-skew-ms")),
                intProp(p, "vigil.sanity.max-rate-per-s"),
                Double.parseDouble(prop(p, "vigil.sanity.temperature-min")),
                Double.parseDouble(prop(p, "vigil.sanity.temperature-max")),
                Double.parseDouble(prop(p, "vigil.sanity.light-max"))));
        registry.bind("deviceRegistry", devices);
        // Gateway and server in one process verify each signature once (the server's check takes the gateway's result).
        VerifiedSignatures verifiedSignatures = prop(p, "vigil.role").equals("all") ? new VerifiedSignatures(50_000) : null;
        registry.bind("signatureVerifier", new SignatureVerifier(devices, verifiedSignatures));
        registry.bind("replayGuard", new ReplayGuard(dataSource, intProp(p, "vigil.replay.window"), gatewayId,
                intProp(p, "vigil.batch.size"), Long.parseLong(prop(p, "vigil.batch.timeout.ms"))));
        registry.bind("groupCommit", new GroupCommit());
        registry.bind("batchForwarder", new BatchForwarder(dataSource, gatewayId,
                Long.parseLong(prop(p, "vigil.forward.backoff-initial-ms")),
                Long.parseLong(prop(p, "vigil.forward.backoff-max-ms"))));
        registry.bind("gatewayCounters", counters);
        ApiAuth auth = new ApiAuth(prop(p, "vigil.admin.token"), prop(p, "vigil.operator.token"),
                prop(p, "vigil.viewer.token"), prop(p, "vigil.gateway.token"));
        EventStream events = new EventStream(auth);
        registry.bind("eventStream", events);
        SecurityEventRecorder recorder = new SecurityEventRecorder(dataSource, gatewayId, counters, events, outbox, cipher,
                intProp(p, "vigil.replay.window"));
        registry.bind("securityEventRecorder", recorder);
        // The embedded broker (started before Camel) learns device keys and records refused CONNECTs from here on.
        io.vigil.mqtt.BrokerSecurity brokerSecurity = registry.lookupByNameAndType("brokerSecurity",
                io.vigil.mqtt.BrokerSecurity.class);
        if (brokerSecurity != null) {
            brokerSecurity.attach(devices::key, (refusal, now) -> recorder.record(refusal, null, now));
        }
        registry.bind("mqttSender", new io.vigil.processors.MqttSender(brokerSecurity != null));
        long maxSkew = Long.parseLong(prop(p, "vigil.sanity.max-skew-ms"));
        // The server's own checks of every log (PROTOCOL v1.1 §3): the same ranges; timestamps against the batch's
        // created_at, with the gateway's skew allowance plus its batching time.
        SanityChecker serverSanity = new SanityChecker(maxSkew + Long.parseLong(prop(p, "vigil.batch.timeout.ms"))
                + 60_000, intProp(p, "vigil.sanity.max-rate-per-s"),
                Double.parseDouble(prop(p, "vigil.sanity.temperature-min")),
                Double.parseDouble(prop(p, "vigil.sanity.temperature-max")),
                Double.parseDouble(prop(p, "vigil.sanity.light-max")));
        registry.bind("batchStore", new BatchStore(dataSource, validator, intProp(p, "vigil.batch.max-logs"),
                outbox, new SignatureVerifier(devices, verifiedSignatures), serverSanity, maxSkew,
                Long.parseLong(prop(p, "vigil.server.max-batch-age-ms")), recorder));
        registry.bind("jsonlExporter", new JsonlExporter(dataDir));
        registry.bind("apiAuth", auth);
        DeviceCommands commands = new DeviceCommands(dataSource, devices, ledger,
                CommandKey.load(p.resolveProperty("vigil.command.key").orElse(""), dataDir),
                prop(p, "vigil.command.topic-prefix"));
        registry.bind("deviceCommands", commands);
        // The REST resources' read sides, one per resource (routes/server/rest-*.camel.yaml).
        registry.bind("deviceQueries", new io.vigil.processors.DeviceQueries(dataSource, ledger));
        registry.bind("logQueries", new io.vigil.processors.LogQueries(dataSource, ledger));
        registry.bind("eventQueries", new io.vigil.processors.EventQueries(dataSource, cipher));
        registry.bind("batchQueries", new io.vigil.processors.BatchQueries(dataSource, ledger));
        registry.bind("ledgerQueries", new io.vigil.processors.LedgerQueries(dataSource, ledger, commands.publicKey()));
        registry.bind("statsQueries", new io.vigil.processors.StatsQueries(dataSource));
        registry.bind("openApiDocument", new io.vigil.processors.OpenApiDocument());
        registry.bind("alertQueries", new io.vigil.processors.AlertQueries(dataSource));
        registry.bind("alertTriage", new io.vigil.processors.AlertTriage(dataSource, events));
        registry.bind("seriesQueries", new io.vigil.processors.SeriesQueries(dataSource,
                intProp(p, "vigil.ledger.command-threshold")));
        if (ledger != null) {
            registry.bind("ledgerWriter", new LedgerWriter(dataSource, ledger, events, intProp(p, "vigil.ledger.max-per-tx")));
        }
        registry.bind("apiErrors", new ApiErrors());
        registry.bind("tickFailures", new io.vigil.processors.TickFailures());
        registry.bind("dashboardFiles", new io.vigil.processors.DashboardFiles());
        registry.bind("deviceApi", new DeviceApi(devices));
        if (p.resolveProperty("vigil.mqtt.client-id").isPresent()) {
            try {
                registry.bind("gatewayMqttClient", GatewayMqttClient.durable(prop(p, "vigil.mqtt.effective-url"),
                        prop(p, "vigil.mqtt.client-id"), Long.parseLong(prop(p, "vigil.mqtt.session-expiry-s")),
                        intProp(p, "vigil.mqtt.receive-maximum"),
                        registry.lookupByNameAndType("mqttSocketFactory", javax.net.SocketFactory.class),
                        p.resolveProperty("vigil.mqtt.username").orElse(""),
                        p.resolveProperty("vigil.mqtt.password").orElse("")));
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                throw new IllegalStateException("cannot create the gateway MQTT client: " + e.getMessage(), e);
            }
        }
        MlEnricher ml = mlEnricher(p, dataSource);
        registry.bind("mlEnricher", ml);
        registry.bind("healthCheck", new HealthCheck(dataSource, prop(p, "vigil.mqtt.effective-url"), ledger, ml,
                java.nio.file.Path.of(prop(p, "vigil.data.dir")), h2Directory(p.resolveProperty("vigil.db.url").orElse("")),
                prop(p, "vigil.mqtt.url").isEmpty(),
                Long.parseLong(prop(p, "vigil.health.min-free-mb"))));
    }

    /** The directory of an H2 file database ({@code jdbc:h2:file:<dir>/<name>;…}), else null (server databases). */
    static java.nio.file.Path h2Directory(String url) {
        if (!url.startsWith("jdbc:h2:file:")) {
            return null;
        }
        String file = url.substring("jdbc:h2:file:".length());
        int semicolon = file.indexOf(';');
        java.nio.file.Path parent = java.nio.file.Path.of(semicolon < 0 ? file : file.substring(0, semicolon)).getParent();
        return parent == null ? null : parent.toAbsolutePath();
    }

    /** The ML stage on a server (its models loaded once, here), or a disabled one on a gateway or when switched off. */
    private static MlEnricher mlEnricher(PropertiesComponent p, DataSource dataSource) {
        if ("gateway".equals(prop(p, "vigil.role")) || !Boolean.parseBoolean(prop(p, "vigil.ml.enabled"))) {
            return MlEnricher.disabled();
        }
        return new MlEnricher(dataSource, io.vigil.ml.OnnxModels.fromClasspath(),
                new io.vigil.ml.StreamingModels(intProp(p, "vigil.ml.streaming.max-devices"),
                        intProp(p, "vigil.ml.streaming.trees"), intProp(p, "vigil.ml.streaming.sample-size"),
                        io.vigil.ml.Training.SEED),
                Double.parseDouble(prop(p, "vigil.ml.alert-confidence")));
    }

    private static String prop(PropertiesComponent p, String key) {
        return p.resolveProperty(key).orElseThrow(() -> new IllegalStateException("missing property " + key));
    }

    private static int intProp(PropertiesComponent p, String key) {
        return Integer.parseInt(prop(p, key));
    }
}
