package io.vigil.e2e;

import io.vigil.sim.MqttLogin;
import io.vigil.testsupport.SignedPackets;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** A real MQTT 5 client publishing signed packets as devices would (QoS 1). */
final class Devices implements AutoCloseable {

    private final MqttClient client;
    private final String topic;

    Devices(String brokerUrl, String topic) throws MqttException {
        this(brokerUrl, topic, null);
    }

    /** Over TLS ({@code ssl://}) with the given socket factory (trust, and a client certificate if it has one). */
    Devices(String brokerUrl, String topic, javax.net.SocketFactory tls) throws MqttException {
        this(brokerUrl, topic, tls, MqttLogin.ANONYMOUS);
    }

    /** With a login: Vigil's fleet login, a device's own signed credential, or anything an attacker tries. */
    Devices(String brokerUrl, String topic, javax.net.SocketFactory tls, MqttLogin login) throws MqttException {
        this.topic = topic;
        client = new MqttClient(brokerUrl, "it-devices-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setAutomaticReconnect(true);
        if (tls != null) {
            options.setSocketFactory(tls);
        }
        login.apply(options);
        client.connect(options);
    }

    /**
     * Many devices through one connection, as the demo fleet does: on the embedded broker with the data dir's
     * {@code vigil:fleet} login (PROTOCOL v1.1 §1a), on an external broker as it allows.
     */
    static Devices fleet(VigilProcess app, String topic) throws MqttException {
        return new Devices(app.mqttUrl(), topic, null, fleetLogin(app));
    }

    static MqttLogin fleetLogin(VigilProcess app) {
        if (app.env.containsKey("VIGIL_MQTT_URL")) {
            return MqttLogin.ANONYMOUS;
        }
        try {
            return MqttLogin.fleet(io.vigil.mqtt.ServiceCredentials.ensure(app.dataDir));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A device's own login: username = device id, password signed with its demo key now (§1a). */
    static MqttLogin deviceLogin(String deviceId) {
        return new MqttLogin(deviceId, io.vigil.crypto.MqttCredential.password(
                io.vigil.crypto.Ed25519.demoKey(deviceId), deviceId, System.currentTimeMillis()));
    }

    static String publicKey(String deviceId) {
        return SignedPackets.publicKey(deviceId);
    }

    /** A validly signed packet with the device's demo key. */
    static String signed(String deviceId, long seq, long timestamp, double temperature) {
        return SignedPackets.signed(deviceId, seq, timestamp, temperature);
    }

    /** Any bytes at all: UTF-16, a byte-order mark, nothing. */
    void publishBytes(byte[] payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        send(message);
    }

    void publish(String payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        send(message);
    }

    /**
     * A synchronous QoS 1 publish. Paho 1.2.5 once refused one as "Too many publishes in progress" (32202) against
     * the machine's Mosquitto (receive maximum 20) in a CI run, although each publish here waits for its PUBACK:
     * its in-flight count is lowered on its own callback thread. Not reproduced in three runs alone. The publish is
     * then tried again until Paho has room, for at most 10 s; any other failure is the test's.
     */
    private void send(MqttMessage message) throws MqttException {
        if (!published(message)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(5)).until(() -> published(message));
        }
    }

    /** Publishes; false only when Paho has no room for another publish in flight. */
    private boolean published(MqttMessage message) throws MqttException {
        try {
            client.publish(topic, message);
            return true;
        } catch (MqttException e) {
            if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                throw e;
            }
            return false;
        }
    }

    @Override
    public void close() throws MqttException {
        client.disconnect();
        client.close();
    }

    /**
     * A device listening for its commands on {@code iot/cmd/<device>}, logged in as itself (it may subscribe to
     * nothing else on the embedded broker); each message lands in {@code sink} as "topic payload".
     */
    static org.eclipse.paho.mqttv5.client.MqttClient commandListener(String brokerUrl, String deviceId,
            java.util.concurrent.BlockingQueue<String> sink) throws MqttException {
        MqttClient listener = new MqttClient(brokerUrl, "it-cmd-" + deviceId + "-" + System.nanoTime(),
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        deviceLogin(deviceId).apply(options);
        listener.connect(options);
        // (Paho 1.2.5's subscribe(String, int, listener) recurses forever; the array form works.)
        var granted = listener.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
            new org.eclipse.paho.mqttv5.common.MqttSubscription("iot/cmd/" + deviceId, 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) ->
                    sink.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8))});
        int code = granted.getReasonCodes()[0];
        if (code > 2) {
            throw new IllegalStateException("subscription to iot/cmd/" + deviceId + " refused: reason " + code);
        }
        return listener;
    }
}
