package io.vigil.boot;

import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The gateway's MQTT 5 client, handed to camel-paho-mqtt5 as its {@code client}: a durable session (fixed
 * client id, clean start off, session expiry) with manual acks, which connects only once the consumer has
 * installed its callback.
 *
 * <p>Why: camel-paho-mqtt5 4.14 connects its own client before it sets the callback. On resuming a durable
 * session the broker sends the queued and unacknowledged messages right after CONNACK; with manual acks,
 * Paho neither delivers nor acknowledges a message that arrives with no callback, so those messages stayed
 * invisible until the next reconnect (found by the kill -9 restart test: 20 of 2,000 missing).
 */
public final class GatewayMqttClient extends MqttClient {

    private final MqttConnectionOptions options;

    public GatewayMqttClient(String brokerUrl, String clientId, MqttConnectionOptions options) throws MqttException {
        super(brokerUrl, clientId, new MemoryPersistence());
        this.options = options;
        setManualAcks(true);
    }

    /** A durable-session client for the gateway. */
    public static GatewayMqttClient durable(String brokerUrl, String clientId, long sessionExpirySeconds, int receiveMaximum)
            throws MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setReceiveMaximum(receiveMaximum);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(10_000);
        options.setKeepAliveInterval(30);
        return new GatewayMqttClient(brokerUrl, clientId, options);
    }

    @Override
    public void setCallback(MqttCallback callback) {
        super.setCallback(callback);
        if (!isConnected()) {
            try {
                connect(options);
            } catch (MqttException e) {
                throw new IllegalStateException("cannot connect to the MQTT broker " + getServerURI()
                        + " (set VIGIL_MQTT_URL or VIGIL_MQTT_PORT): " + e.getMessage(), e);
            }
        }
    }

    /** Disconnects, keeping the durable session on the broker. */
    @Override
    public void close() {
        try {
            if (isConnected()) {
                disconnect();
            }
            super.close();
        } catch (MqttException e) {
            // closing anyway
        }
    }
}
