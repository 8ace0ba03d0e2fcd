package io.vigil.e2e;

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
        this.topic = topic;
        client = new MqttClient(brokerUrl, "it-devices-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setAutomaticReconnect(true);
        if (tls != null) {
            options.setSocketFactory(tls);
        }
        client.connect(options);
    }

    static String publicKey(String deviceId) {
        return SignedPackets.publicKey(deviceId);
    }

    /** A validly signed packet with the device's demo key. */
    static String signed(String deviceId, long seq, long timestamp, double temperature) {
        return SignedPackets.signed(deviceId, seq, timestamp, temperature);
    }

    void publish(String payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
    }

    @Override
    public void close() throws MqttException {
        client.disconnect();
        client.close();
    }
}
