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
    public static GatewayMqttClient durable(String brokerUrl, String clientId, long sessionExpirySeconds, int receiveMaximum,
            javax.net.SocketFactory socketFactory, String username, String password) throws MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        if (username != null && !username.isEmpty()) {
            options.setUserName(username);
            options.setPassword(password == null ? new byte[0] : password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (socketFactory != null) {
            options.setSocketFactory(socketFactory); // ssl:// with our trust store and, optionally, a client certificate
            options.setHttpsHostnameVerificationEnabled(true);
        }
        options.setCleanStart(false);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setReceiveMaximum(receiveMaximum);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(10_000);
        // A reconnect that hears no CONNACK gives up after 10 s and tries again (default 30 s).
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        return new GatewayMqttClient(brokerUrl, clientId, options);
    }

    @Override
    public void setCallback(MqttCallback callback) {
        super.setCallback(new MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
                callback.disconnected(response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                callback.mqttErrorOccurred(exception);
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) throws Exception {
                callback.messageArrived(topic, message);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
                callback.deliveryComplete(token);
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                if (!reconnect) {
                    callback.connectComplete(false, serverUri);
                    return;
                }
                Thread resubscribe = new Thread(() -> callback.connectComplete(true, serverUri), "mqtt-reconnected");
                resubscribe.setDaemon(true);
                resubscribe.start();
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
                callback.authPacketArrived(reasonCode, properties);
            }
        });
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
