package io.vigil.mqtt;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.interceptor.puback.PubackOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import io.vigil.crypto.Ed25519;
import io.vigil.crypto.MqttCredential;
import io.vigil.model.BadSignatureException;
import io.vigil.model.PacketRejectedException;
import io.vigil.model.UnknownDeviceException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker's security (PROTOCOL v1.1 §1a), a HiveMQ extension: who may connect, what each client may
 * publish and subscribe, and which device a packet came from.
 * <ul>
 * <li>A device logs in with username = its device_id and password {@code v1.<unix_ms>.<sig>} signed by its own key
 * (±300 s); Vigil's own clients with the random passwords of {@link ServiceCredentials}. Every other CONNECT is
 * refused, and each refusal is a security event (unknown_device, bad_signature) that costs no trust.</li>
 * <li>Default deny: a device may publish only to {@code iot/logs} and subscribe only to {@code iot/cmd/<its id>};
 * only the service may read {@code iot/logs} and publish to {@code iot/cmd/#}; nothing retained.</li>
 * <li>A client id belongs to the login that first used it while its session lives; {@code vigil-} ids are
 * Vigil's own. So nobody takes over the gateway's durable session or another device's.</li>
 * <li>Every publish carries the broker's word on its sender: the user property {@code vigil-device} is removed
 * from whatever the client sent and set to the logged-in device, so the gateway can refuse an impersonation.</li>
 * </ul>
 */
public final class BrokerSecurity implements ExtensionMain {

    /** The user property the gateway reads (trusted only on the embedded broker, which sets it). */
    public static final String SENDER_PROPERTY = "vigil-device";
    private static final String DEVICE_ATTRIBUTE = "vigil.device";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerSecurity.class);
    private static final Pattern DEVICE_ID = io.vigil.model.DeviceId.PATTERN;

    /** Records a refused CONNECT as a security event. */
    public interface RefusalSink {
        void refused(PacketRejectedException refusal, long now);
    }

    private final ServiceCredentials credentials;
    private final String logsTopic;
    private final String commandPrefix;
    private volatile Function<String, Optional<Ed25519.VerifyKey>> devices;
    private volatile RefusalSink sink;
    /** client id → the login that owns it, and whether its session outlives the connection. */
    private final ConcurrentHashMap<String, Owner> owners = new ConcurrentHashMap<>();
    private final AtomicLong refusalsDropped = new AtomicLong();
    private final ThreadPoolExecutor recorder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "vigil-mqtt-refusals");
                t.setDaemon(true);
                return t;
            }, (r, pool) -> refusalsDropped.incrementAndGet());

    private record Owner(String login, boolean persistent) {
    }

    private volatile BrokerHandOff handOff;

    public BrokerSecurity(ServiceCredentials credentials, String logsTopic, String commandPrefix) {
        this.credentials = credentials;
        this.logsTopic = logsTopic;
        this.commandPrefix = commandPrefix;
    }

    /**
     * Connects the broker to the device registry and the security-event recorder once they exist (the broker
     * starts first). Until then devices are told the server is unavailable; Vigil's own clients can log in.
     */
    public void attach(Function<String, Optional<Ed25519.VerifyKey>> deviceKeys, RefusalSink refusals) {
        this.devices = deviceKeys;
        this.sink = refusals;
    }

    /**
     * Takes device packets on {@code iot/logs} straight into the gateway ({@link BrokerHandOff}) once it is ready;
     * null goes back to the broker's own delivery to the gateway's session.
     */
    public void handOff(BrokerHandOff handOff) {
        this.handOff = handOff;
    }

    /** Refused CONNECTs not recorded because the recorder's queue was full (a flood). */
    public long refusalsDropped() {
        return refusalsDropped.get();
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        SimpleAuthenticator authenticator = this::onConnect;
        Services.securityRegistry().setAuthenticatorProvider(in -> authenticator);
        PublishInboundInterceptor stamp = (in, out) -> {
            var properties = out.getPublishPacket().getUserProperties();
            properties.removeName(SENDER_PROPERTY);
            Optional<String> device =
                    in.getConnectionInformation().getConnectionAttributeStore().getAsString(DEVICE_ATTRIBUTE);
            device.ifPresent(d -> properties.addUserProperty(SENDER_PROPERTY, d));
            BrokerHandOff handOff = this.handOff;
            if (handOff != null && logsTopic.equals(in.getPublishPacket().getTopic())) {
                handOff.take(in, out, device.orElse(null), device.isPresent());
            }
        };
        PubackOutboundInterceptor heldAcks = (in, out) -> {
            BrokerHandOff handOff = this.handOff;
            if (handOff != null) {
                handOff.onOutboundPuback(in, out);
            }
        };
        Services.initializerRegistry().setClientInitializer((in, client) -> {
            client.addPublishInboundInterceptor(stamp);
            if (in.getConnectionInformation().getConnectionAttributeStore().getAsString(DEVICE_ATTRIBUTE).isEmpty()) {
                // Vigil's own publishers (many devices on one connection): their PUBACKs are held, not their
                // PUBLISHes. A device's own connection keeps the broker's PUBACK untouched (BrokerHandOff).
                client.addPubackOutboundInterceptor(heldAcks);
            }
        });
        ClientLifecycleEventListener lifecycle = new ClientLifecycleEventListener() {
            @Override
            public void onMqttConnectionStart(ConnectionStartInput in) {
            }

            @Override
            public void onAuthenticationSuccessful(AuthenticationSuccessfulInput in) {
            }

            @Override
            public void onDisconnect(DisconnectEventInput in) {
                String clientId = in.getClientInformation().getClientId();
                owners.computeIfPresent(clientId, (id, owner) -> owner.persistent() ? owner : null);
            }
        };
        Services.eventRegistry().setClientLifecycleEventListener(in -> lifecycle);
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        recorder.shutdown();
    }

    private void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        String clientId = input.getClientInformation().getClientId();
        String address = input.getConnectionInformation().getInetAddress().map(a -> a.getHostAddress()).orElse("?");
        String user = connect.getUserName().orElse(null);
        String password = connect.getPassword().map(BrokerSecurity::text).orElse(null);
        long now = System.currentTimeMillis();
        ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
        permissions.clear();
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        if (user == null) {
            refuse(output, ConnackReasonCode.NOT_AUTHORIZED, "a username and password are required",
                    new UnknownDeviceException(null, null, "MQTT CONNECT without credentials from " + address), now);
            return;
        }
        if (user.equals(ServiceCredentials.SERVICE) || user.equals(ServiceCredentials.FLEET)) {
            String expected = user.equals(ServiceCredentials.SERVICE) ? credentials.servicePassword()
                    : credentials.fleetPassword();
            if (!ServiceCredentials.matches(expected, password)) {
                refuse(output, ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password",
                        new BadSignatureException(null, null, "MQTT CONNECT as " + user + " with a wrong password from "
                                + address), now);
                return;
            }
            if (!own(output, clientId, user, connect)) {
                return;
            }
            if (user.equals(ServiceCredentials.SERVICE)) {
                permissions.add(permission(logsTopic, TopicPermission.MqttActivity.SUBSCRIBE));
                permissions.add(permission(commandPrefix + "#", TopicPermission.MqttActivity.PUBLISH));
            } else {
                permissions.add(permission(logsTopic, TopicPermission.MqttActivity.PUBLISH));
            }
            output.authenticateSuccessfully();
            return;
        }
        String named = DEVICE_ID.matcher(user).matches() ? user : null;
        var registry = devices;
        if (registry == null) {
            output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "the gateway is starting; try again");
            return;
        }
        Optional<Ed25519.VerifyKey> key = named == null ? Optional.empty() : registry.apply(named);
        if (key.isEmpty()) {
            refuse(output, ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password",
                    new UnknownDeviceException(named, null, "MQTT CONNECT as " + printable(user)
                            + ", which is not a provisioned device, from " + address), now);
            return;
        }
        MqttCredential.Verdict verdict = MqttCredential.check(key.get(), named, password, now);
        if (verdict != MqttCredential.Verdict.VALID) {
            String why = switch (verdict) {
                case MALFORMED -> "a password that is not v1.<unix_ms>.<signature>";
                case BAD_SIGNATURE -> "a password whose signature does not verify under the device's key";
                default -> "a credential more than 300 s from server time (stale or future)";
            };
            refuse(output, ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password",
                    new BadSignatureException(named, null, "MQTT CONNECT as " + named + " with " + why + ", from "
                            + address), now);
            return;
        }
        if (clientId.startsWith(ServiceCredentials.RESERVED_CLIENT_PREFIX)) {
            output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "client ids starting with " + ServiceCredentials.RESERVED_CLIENT_PREFIX + " are Vigil's own");
            return;
        }
        if (!own(output, clientId, named, connect)) {
            return;
        }
        input.getConnectionInformation().getConnectionAttributeStore().putAsString(DEVICE_ATTRIBUTE, named);
        permissions.add(permission(logsTopic, TopicPermission.MqttActivity.PUBLISH));
        permissions.add(Builders.topicPermission().topicFilter(commandPrefix + named)
                .activity(TopicPermission.MqttActivity.SUBSCRIBE).type(TopicPermission.PermissionType.ALLOW)
                .sharedSubscription(TopicPermission.SharedSubscription.NOT_SHARED).build());
        output.authenticateSuccessfully();
    }

    /** The client id is this login's (first come, while its session lives); another login is refused. */
    private boolean own(SimpleAuthOutput output, String clientId, String login, ConnectPacket connect) {
        boolean persistent = connect.getSessionExpiryInterval() > 0;
        Owner mine = new Owner(login, persistent);
        Owner owner = owners.compute(clientId, (id, existing) -> existing == null || existing.login().equals(login)
                ? new Owner(login, persistent || (existing != null && existing.persistent())) : existing);
        if (!owner.login().equals(mine.login())) {
            output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "this client id belongs to another login");
            return false;
        }
        return true;
    }

    private static TopicPermission permission(String topic, TopicPermission.MqttActivity activity) {
        return Builders.topicPermission().topicFilter(topic).activity(activity)
                .type(TopicPermission.PermissionType.ALLOW).retain(TopicPermission.Retain.NOT_RETAINED)
                .sharedSubscription(TopicPermission.SharedSubscription.ALL).build();
    }

    private void refuse(SimpleAuthOutput output, ConnackReasonCode code, String reason, PacketRejectedException event,
            long now) {
        output.failAuthentication(code, reason);
        RefusalSink target = sink;
        if (target != null) {
            recorder.execute(() -> {
                try {
                    target.refused(event, now);
                } catch (RuntimeException e) {
                    LOG.warn("could not record a refused MQTT CONNECT: {}", e.getMessage());
                }
            });
        }
    }

    private static String text(ByteBuffer buffer) {
        ByteBuffer copy = buffer.asReadOnlyBuffer();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A username as it may appear in an event's detail: printable ASCII, at most 80 characters. */
    private static String printable(String user) {
        String s = user.replaceAll("[^\\x20-\\x7e]", "?");
        return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
    }
}
