package io.vigil.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.sim.SimDevice;
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
        this.topic = topic;
        client = new MqttClient(brokerUrl, "it-devices-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setAutomaticReconnect(true);
        client.connect(options);
    }

    static String publicKey(String deviceId) {
        return Ed25519.encode(Ed25519.demoKey(deviceId).generatePublicKey());
    }

    static ObjectNode packet(String deviceId, long seq, long timestamp, double temperature) {
        ObjectNode p = CanonicalJson.STRICT.createObjectNode();
        p.put("device_id", deviceId);
        p.put("type", "telemetry");
        p.put("sequence_no", seq);
        p.put("timestamp", timestamp);
        p.put("cpu_usage", 10.0);
        p.put("battery_level", 90.0);
        p.putObject("sensors").put("temperature", temperature).put("humidity", 40.0).put("light", 300.0).put("motion", 0);
        return p;
    }

    /** A validly signed packet with the device's demo key. */
    static String signed(String deviceId, long seq, long timestamp, double temperature) {
        return SimDevice.sign(Ed25519.demoKey(deviceId), packet(deviceId, seq, timestamp, temperature));
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
