package io.vigil.boot;

import io.vigil.crypto.FieldCipher;
import io.vigil.ledger.LedgerConnector;
import io.vigil.ml.OnnxModels;
import io.vigil.ml.StreamingModels;
import io.vigil.mqtt.BrokerSecurity;
import io.vigil.processors.AlertQueries;
import io.vigil.processors.AlertTriage;
import io.vigil.processors.ApiErrors;
import io.vigil.processors.BatchQueries;
import io.vigil.processors.BatchStore;
import io.vigil.processors.DashboardFiles;
import io.vigil.processors.DeviceApi;
import io.vigil.processors.DeviceCommands;
import io.vigil.processors.DeviceQueries;
import io.vigil.processors.DeviceRegistry;
import io.vigil.processors.EventQueries;
import io.vigil.processors.EventStream;
import io.vigil.processors.HealthCheck;
import io.vigil.processors.JsonlExporter;
import io.vigil.processors.LedgerOutbox;
import io.vigil.processors.LedgerQueries;
import io.vigil.processors.LedgerWriter;
import io.vigil.processors.LogQueries;
import io.vigil.processors.MlEnricher;
import io.vigil.processors.MqttSender;
import io.vigil.processors.OpenApiDocument;
import io.vigil.processors.PacketValidator;
import io.vigil.processors.SanityChecker;
import io.vigil.processors.SecurityEventRecorder;
import io.vigil.processors.SeriesQueries;
import io.vigil.processors.SignatureVerifier;
import io.vigil.processors.StatsQueries;
import io.vigil.processors.TickFailures;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;

/**
 * The server's beans (routes/server, routes/ledger): storing and re-checking batches, ML, commands, the ledger writer,
 * health and the REST resources' read sides. Made like {@link VigilBeans}' (lazy {@code @BindToRegistry} methods).
 */
@Configuration
public class ServerBeans implements CamelConfiguration {

    /**
     * The server's checks of every log (PROTOCOL v1.1 §3): the gateway's ranges, and timestamps against the batch's
     * created_at with the gateway's skew allowance plus its batching time.
     */
    @BindToRegistry(lazy = true)
    public BatchStore batchStore(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("packetValidator") PacketValidator validator,
            @PropertyInject("vigil.batch.max-logs") int maxLogs, @BeanInject("ledgerOutbox") LedgerOutbox outbox,
            @BeanInject("signatureVerifier") SignatureVerifier verifier,
            @BeanInject("sanityChecker") SanityChecker gatewaySanity,
            @PropertyInject("vigil.sanity.max-skew-ms") long maxSkewMs,
            @PropertyInject("vigil.batch.timeout.ms") long batchTimeoutMs,
            @PropertyInject("vigil.server.max-batch-age-ms") long maxBatchAgeMs,
            @BeanInject("securityEventRecorder") SecurityEventRecorder recorder) {
        return new BatchStore(dataSource, validator, maxLogs, outbox, verifier,
                gatewaySanity.withMaxSkew(maxSkewMs + batchTimeoutMs + 60_000), maxSkewMs, maxBatchAgeMs, recorder);
    }

    @BindToRegistry(lazy = true)
    public MlEnricher mlEnricher(@BeanInject("dataSource") DataSource dataSource, @PropertyInject("vigil.role") String role,
            @PropertyInject("vigil.ml.enabled") boolean enabled,
            @PropertyInject("vigil.ml.streaming.max-devices") int maxDevices,
            @PropertyInject("vigil.ml.streaming.trees") int trees,
            @PropertyInject("vigil.ml.streaming.sample-size") int sampleSize,
            @PropertyInject("vigil.ml.alert-confidence") double alertConfidence) {
        if (role.equals("gateway") || !enabled) {
            return MlEnricher.disabled();
        }
        return new MlEnricher(dataSource, OnnxModels.fromClasspath(),
                new StreamingModels(maxDevices, trees, sampleSize, StreamingModels.SEED), alertConfidence);
    }

    @BindToRegistry(lazy = true)
    public JsonlExporter jsonlExporter(@PropertyInject("vigil.data.dir") String dataDir) {
        return new JsonlExporter(Path.of(dataDir));
    }

    @BindToRegistry(lazy = true)
    public MqttSender mqttSender(Registry registry) {
        return new MqttSender(registry.lookupByNameAndType("brokerSecurity", BrokerSecurity.class) != null);
    }

    @BindToRegistry(lazy = true)
    public DeviceCommands deviceCommands(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("deviceRegistry") DeviceRegistry devices,
            @PropertyInject(value = "vigil.command.key", defaultValue = "") String key,
            @PropertyInject("vigil.data.dir") String dataDir,
            @PropertyInject("vigil.command.topic-prefix") String topicPrefix, Registry registry) {
        return new DeviceCommands(dataSource, devices, VigilBeans.ledger(registry), CommandKey.load(key, Path.of(dataDir)),
                topicPrefix);
    }

    @BindToRegistry(lazy = true)
    public DeviceApi deviceApi(@BeanInject("deviceRegistry") DeviceRegistry devices) {
        return new DeviceApi(devices);
    }

    @BindToRegistry(lazy = true)
    public LedgerWriter ledgerWriter(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("eventStream") EventStream events, @PropertyInject("vigil.ledger.max-per-tx") int maxPerTx,
            Registry registry) {
        LedgerConnector ledger = VigilBeans.ledger(registry);
        return ledger == null ? null : new LedgerWriter(dataSource, ledger, events, maxPerTx);
    }

    @BindToRegistry(lazy = true)
    public HealthCheck healthCheck(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("vigil.mqtt.effective-url") String mqttUrl,
            @PropertyInject(value = "vigil.mqtt.url", defaultValue = "") String externalMqttUrl,
            @BeanInject("mlEnricher") MlEnricher ml, @PropertyInject("vigil.data.dir") String dataDir,
            @PropertyInject(value = "vigil.db.url", defaultValue = "") String dbUrl,
            @PropertyInject("vigil.health.min-free-mb") long minFreeMb, Registry registry) {
        return new HealthCheck(dataSource, mqttUrl, VigilBeans.ledger(registry), ml, Path.of(dataDir), h2Directory(dbUrl),
                externalMqttUrl.isEmpty(), minFreeMb);
    }

    // --- the REST resources' read sides, one per resource (routes/server/rest-*.camel.yaml) ---

    @BindToRegistry(lazy = true)
    public DeviceQueries deviceQueries(@BeanInject("dataSource") DataSource dataSource, Registry registry) {
        return new DeviceQueries(dataSource, VigilBeans.ledger(registry));
    }

    @BindToRegistry(lazy = true)
    public LogQueries logQueries(@BeanInject("dataSource") DataSource dataSource, Registry registry) {
        return new LogQueries(dataSource, VigilBeans.ledger(registry));
    }

    @BindToRegistry(lazy = true)
    public EventQueries eventQueries(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("fieldCipher") FieldCipher cipher) {
        return new EventQueries(dataSource, cipher);
    }

    @BindToRegistry(lazy = true)
    public BatchQueries batchQueries(@BeanInject("dataSource") DataSource dataSource, Registry registry) {
        return new BatchQueries(dataSource, VigilBeans.ledger(registry));
    }

    @BindToRegistry(lazy = true)
    public LedgerQueries ledgerQueries(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("deviceCommands") DeviceCommands commands, Registry registry) {
        return new LedgerQueries(dataSource, VigilBeans.ledger(registry), commands.publicKey());
    }

    @BindToRegistry(lazy = true)
    public StatsQueries statsQueries(@BeanInject("dataSource") DataSource dataSource) {
        return new StatsQueries(dataSource);
    }

    @BindToRegistry(lazy = true)
    public AlertQueries alertQueries(@BeanInject("dataSource") DataSource dataSource) {
        return new AlertQueries(dataSource);
    }

    @BindToRegistry(lazy = true)
    public AlertTriage alertTriage(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("eventStream") EventStream events) {
        return new AlertTriage(dataSource, events);
    }

    @BindToRegistry(lazy = true)
    public SeriesQueries seriesQueries(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("vigil.ledger.command-threshold") int commandThreshold) {
        return new SeriesQueries(dataSource, commandThreshold);
    }

    @BindToRegistry(lazy = true)
    public OpenApiDocument openApiDocument() {
        return new OpenApiDocument();
    }

    @BindToRegistry(lazy = true)
    public ApiErrors apiErrors() {
        return new ApiErrors();
    }

    @BindToRegistry(lazy = true)
    public TickFailures tickFailures() {
        return new TickFailures();
    }

    @BindToRegistry(lazy = true)
    public DashboardFiles dashboardFiles() {
        return new DashboardFiles();
    }

    /** The directory of an H2 file database ({@code jdbc:h2:file:<dir>/<name>;…}), else null (server databases). */
    static Path h2Directory(String url) {
        if (!url.startsWith("jdbc:h2:file:")) {
            return null;
        }
        String file = url.substring("jdbc:h2:file:".length());
        int semicolon = file.indexOf(';');
        Path parent = Path.of(semicolon < 0 ? file : file.substring(0, semicolon)).getParent();
        return parent == null ? null : parent.toAbsolutePath();
    }
}
