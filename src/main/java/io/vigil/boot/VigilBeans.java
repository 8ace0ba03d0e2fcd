package io.vigil.boot;

import io.vigil.crypto.FieldCipher;
import io.vigil.ledger.LedgerConnector;
import io.vigil.mqtt.BrokerSecurity;
import io.vigil.processors.ApiAuth;
import io.vigil.processors.BatchForwarder;
import io.vigil.processors.DeviceRegistry;
import io.vigil.processors.EventStream;
import io.vigil.processors.GatewayCounters;
import io.vigil.processors.GatewaySteps;
import io.vigil.processors.GroupCommit;
import io.vigil.processors.LedgerOutbox;
import io.vigil.processors.PacketValidator;
import io.vigil.processors.ReplayGuard;
import io.vigil.processors.SanityChecker;
import io.vigil.processors.SecurityEventRecorder;
import io.vigil.processors.SignatureVerifier;
import io.vigil.processors.VerifiedSignatures;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.Processor;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;

/**
 * The beans the routes name ({@code bean: ref: …}), each made by one {@code @BindToRegistry} method from
 * {@code @PropertyInject} settings (application.properties, the environment) and the beans it needs
 * ({@code @BeanInject}), in the style of Camel Main's configuration classes. They are lazy: each is made when a route
 * or another bean first looks it up, so the order of the methods does not matter and a role's beans that no route of
 * it names are never made. Bound before Camel starts (by {@link VigilApp}, because they outlive Camel or need
 * shutting down after it): {@code dataSource}, {@code vertx}, and where present {@code ledgerConnector},
 * {@code brokerSecurity} (embedded broker) and {@code mqttSocketFactory} (MQTT over TLS). This class has the beans
 * shared by both roles and the gateway's; {@link ServerBeans} the server's. Both are named by
 * {@code camel.main.configuration-classes} in application.properties.
 */
@Configuration
public class VigilBeans implements CamelConfiguration {

    // --- shared by gateway and server ---

    @BindToRegistry(lazy = true)
    public DeviceRegistry deviceRegistry(@BeanInject("dataSource") DataSource dataSource) {
        return new DeviceRegistry(dataSource);
    }

    @BindToRegistry(lazy = true)
    public PacketValidator packetValidator(@PropertyInject("vigil.packet.max-bytes") int maxBytes) {
        return new PacketValidator(maxBytes);
    }

    /** Gateway and server in one process verify each signature once (the server's check takes the gateway's). */
    @BindToRegistry(lazy = true)
    public VerifiedSignatures verifiedSignatures(@PropertyInject("vigil.role") String role) {
        return new VerifiedSignatures(role.equals("all") ? 50_000 : 0);
    }

    @BindToRegistry(lazy = true)
    public SignatureVerifier signatureVerifier(@BeanInject("deviceRegistry") DeviceRegistry devices,
            @BeanInject("verifiedSignatures") VerifiedSignatures verified) {
        return new SignatureVerifier(devices, verified);
    }

    @BindToRegistry(lazy = true)
    public GatewayCounters gatewayCounters(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("vigil.gateway.id") String gatewayId) {
        return new GatewayCounters(dataSource, gatewayId);
    }

    @BindToRegistry(lazy = true)
    public ApiAuth apiAuth(@PropertyInject("vigil.admin.token") String admin,
            @PropertyInject("vigil.operator.token") String operator, @PropertyInject("vigil.viewer.token") String viewer,
            @PropertyInject("vigil.gateway.token") String gateway) {
        return new ApiAuth(admin, operator, viewer, gateway);
    }

    @BindToRegistry(lazy = true)
    public EventStream eventStream(@BeanInject("apiAuth") ApiAuth auth) {
        return new EventStream(auth);
    }

    @BindToRegistry(lazy = true)
    public LedgerOutbox ledgerOutbox(@PropertyInject("vigil.ledger.enabled") boolean enabled) {
        return new LedgerOutbox(enabled);
    }

    /** Encrypts quarantined payloads at rest (VIGIL_DATA_KEY, else a generated owner-only key file). */
    @BindToRegistry(lazy = true)
    public FieldCipher fieldCipher(@PropertyInject(value = "vigil.data.key", defaultValue = "") String key,
            @PropertyInject("vigil.data.dir") String dataDir) {
        return new FieldCipher(CommandKey.dataKey(key, Path.of(dataDir)));
    }

    /** Security events; the embedded broker (started before Camel) reports refused CONNECTs through it. */
    @BindToRegistry(lazy = true)
    public SecurityEventRecorder securityEventRecorder(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("vigil.gateway.id") String gatewayId, @PropertyInject("vigil.replay.window") int window,
            @BeanInject("gatewayCounters") GatewayCounters counters, @BeanInject("eventStream") EventStream events,
            @BeanInject("ledgerOutbox") LedgerOutbox outbox, @BeanInject("fieldCipher") FieldCipher cipher,
            @BeanInject("deviceRegistry") DeviceRegistry devices, Registry registry) {
        SecurityEventRecorder recorder = new SecurityEventRecorder(dataSource, gatewayId, counters, events, outbox,
                cipher, window);
        BrokerSecurity brokerSecurity = registry.lookupByNameAndType("brokerSecurity", BrokerSecurity.class);
        if (brokerSecurity != null) {
            brokerSecurity.attach(devices::key, (refusal, now) -> recorder.record(refusal, null, now));
        }
        return recorder;
    }

    // --- gateway stages (routes/gateway) ---

    @BindToRegistry(lazy = true)
    public SanityChecker sanityChecker(@PropertyInject("vigil.sanity.max-skew-ms") long maxSkewMs,
            @PropertyInject("vigil.sanity.max-rate-per-s") int maxRate,
            @PropertyInject("vigil.sanity.temperature-min") double temperatureMin,
            @PropertyInject("vigil.sanity.temperature-max") double temperatureMax,
            @PropertyInject("vigil.sanity.light-max") double lightMax) {
        return new SanityChecker(maxSkewMs, maxRate, temperatureMin, temperatureMax, lightMax);
    }

    @BindToRegistry(lazy = true)
    public ReplayGuard replayGuard(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("vigil.replay.window") int window, @PropertyInject("vigil.gateway.id") String gatewayId,
            @PropertyInject("vigil.batch.size") int batchSize, @PropertyInject("vigil.batch.timeout.ms") long timeoutMs,
            @PropertyInject("vigil.batch.early-size") int earlySize, @PropertyInject("vigil.batch.early-ms") long earlyMs) {
        return new ReplayGuard(dataSource, window, gatewayId, batchSize, timeoutMs).sealEarly(earlySize, earlyMs);
    }

    @BindToRegistry(lazy = true)
    public GroupCommit groupCommit() {
        return new GroupCommit();
    }

    // The per-packet steps of gateway-ingest, as processors (GatewaySteps): no bean lookup on every packet.

    @BindToRegistry(lazy = true)
    public Processor validatePacket(@BeanInject("gatewayCounters") GatewayCounters counters,
            @BeanInject("packetValidator") PacketValidator validator) {
        return GatewaySteps.validate(counters, validator);
    }

    @BindToRegistry(lazy = true)
    public Processor authenticatePacket(@BeanInject("signatureVerifier") SignatureVerifier verifier) {
        return GatewaySteps.authenticate(verifier);
    }

    @BindToRegistry(lazy = true)
    public Processor checkSanity(@BeanInject("sanityChecker") SanityChecker checker) {
        return GatewaySteps.sanity(checker);
    }

    @BindToRegistry(lazy = true)
    public Processor takeAck(@BeanInject("groupCommit") GroupCommit groupCommit) {
        return GatewaySteps.takeAck(groupCommit);
    }

    @BindToRegistry(lazy = true)
    public BatchForwarder batchForwarder(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("vigil.gateway.id") String gatewayId,
            @PropertyInject("vigil.forward.backoff-initial-ms") long backoffInitialMs,
            @PropertyInject("vigil.forward.backoff-max-ms") long backoffMaxMs) {
        return new BatchForwarder(dataSource, gatewayId, backoffInitialMs, backoffMaxMs);
    }

    /** The gateway's own durable MQTT session (only where the gateway consumes: vigil.mqtt.client-id is set). */
    @BindToRegistry(lazy = true)
    public GatewayMqttClient gatewayMqttClient(@PropertyInject("vigil.mqtt.effective-url") String url,
            @PropertyInject("vigil.mqtt.client-id") String clientId,
            @PropertyInject("vigil.mqtt.session-expiry-s") long sessionExpiryS,
            @PropertyInject("vigil.mqtt.receive-maximum") int receiveMaximum,
            @PropertyInject(value = "vigil.mqtt.username", defaultValue = "") String username,
            @PropertyInject(value = "vigil.mqtt.password", defaultValue = "") String password, Registry registry) {
        try {
            return GatewayMqttClient.durable(url, clientId, sessionExpiryS, receiveMaximum,
                    registry.lookupByNameAndType("mqttSocketFactory", javax.net.SocketFactory.class), username, password);
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            throw new IllegalStateException("cannot create the gateway MQTT client: " + e.getMessage(), e);
        }
    }

    /** The ledger node's connector, or null when no ledger is configured (on-chain fields stay null). */
    static LedgerConnector ledger(Registry registry) {
        return registry.lookupByNameAndType("ledgerConnector", LedgerConnector.class);
    }
}
