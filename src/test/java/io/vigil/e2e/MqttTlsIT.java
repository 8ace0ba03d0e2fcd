package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.boot.DevTls;
import io.vigil.testsupport.SignedPackets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

/**
 * MQTT over TLS with client certificates required: a Mosquitto whose TLS listener requires a certificate from the
 * dev CA (`vigil tls --issue`), Vigil connecting with its own client certificate (VIGIL_MQTT_CLIENT_KEYSTORE) for
 * ingest and for commands. A device with a certificate is heard; one without, or in plain TCP, is not let in.
 * And the embedded broker's own TLS listener, with the dev server certificate, requiring dev-CA client certificates.
 */
class MqttTlsIT {

    @Test
    void devices_and_gateway_need_a_client_certificate_and_everything_goes_over_tls() throws Exception {
        Path dir = Files.createTempDirectory("vigil-mqtt-tls-");
        Path data = dir.resolve("vigil");
        DevTls.Material material = DevTls.ensure(data);
        DevTls.Issued broker = DevTls.issue(data, "broker", List.of("localhost", "127.0.0.1"));
        DevTls.Issued gateway = DevTls.issue(data, "gw-tls", List.of());
        DevTls.Issued device = DevTls.issue(data, "dev-client", List.of());
        String listener = "cafile " + material.caPem() + "\ncertfile " + broker.certPem() + "\nkeyfile " + broker.keyPem()
                + "\nrequire_certificate true\n";
        try (Mosquitto mosquitto = new Mosquitto(dir.resolve("mosquitto"), listener);
                VigilProcess app = new VigilProcess(data)
                        .with("VIGIL_MQTT_URL", "ssl://localhost:" + mosquitto.port)
                        .with("VIGIL_MQTT_CLIENT_KEYSTORE", gateway.p12().toString())
                        .with("VIGIL_MQTT_CLIENT_KEYSTORE_PASSWORD", gateway.password())
                        .with("VIGIL_BATCH_SIZE", "10").with("VIGIL_BATCH_TIMEOUT_MS", "300").start()) {
            Api api = app.api();
            String url = "ssl://localhost:" + mosquitto.port;
            assertThat(api.post("/api/v1/devices", PipelineContract.ADMIN, PipelineContract.provision("tls-dev")).status())
                    .isEqualTo(201);
            javax.net.SocketFactory withCertificate = DevTls.mqttSocketFactory(material, null, device.p12(), device.password());
            javax.net.SocketFactory withoutCertificate = DevTls.mqttSocketFactory(material, null, null, null);

            long now = System.currentTimeMillis();
            try (Devices devices = new Devices(url, "iot/logs", withCertificate)) {
                for (int i = 0; i < 20; i++) {
                    devices.publish(SignedPackets.signed("tls-dev", i, now + i * 100L, 20));
                }
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(api.viewer("/api/v1/stats").get("stored").asLong()).isEqualTo(20));

            assertThatThrownBy(() -> new Devices(url, "iot/logs", withoutCertificate))
                    .as("TLS without a client certificate").isInstanceOf(Exception.class);
            assertThatThrownBy(() -> new Devices("tcp://127.0.0.1:" + mosquitto.port, "iot/logs"))
                    .as("plain TCP to the TLS listener").isInstanceOf(Exception.class);

            // A command goes out over the same TLS connection settings and arrives at a certified subscriber.
            BlockingQueue<String> commands = new LinkedBlockingQueue<>();
            MqttClient listenerClient = new MqttClient(url, "it-tls-cmd-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setSocketFactory(withCertificate);
            listenerClient.connect(options);
            listenerClient.subscribe(new MqttSubscription[] {new MqttSubscription("iot/cmd/#", 1)},
                    new IMqttMessageListener[] {(topic, message) ->
                        commands.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8))});
            try {
                Api.Answer sent = api.post("/api/v1/devices/tls-dev/commands", "it-operator-token", "{\"action\":\"reboot\"}");
                assertThat(sent.status()).isEqualTo(202);
                assertThat(commands.poll(30, TimeUnit.SECONDS)).startsWith("iot/cmd/tls-dev ")
                        .contains(sent.json().get("command_id").asText());
            } finally {
                listenerClient.disconnect();
                listenerClient.close();
            }
        }
    }

    @Test
    void the_embedded_broker_s_tls_listener_hears_devices_with_a_dev_ca_certificate_only() throws Exception {
        Path dir = Files.createTempDirectory("vigil-embedded-tls-");
        Path data = dir.resolve("vigil");
        try (VigilProcess app = new VigilProcess(data).with("VIGIL_BATCH_SIZE", "10")
                .with("VIGIL_BATCH_TIMEOUT_MS", "300").start()) {
            Api api = app.api();
            String url = "ssl://localhost:" + app.env("VIGIL_MQTT_TLS_PORT");
            assertThat(api.post("/api/v1/devices", PipelineContract.ADMIN, PipelineContract.provision("tls-dev")).status())
                    .isEqualTo(201);
            // The dev CA the server made at first start; a device certificate issued by it, as `vigil tls --issue` does.
            DevTls.Material material = DevTls.ensure(data);
            DevTls.Issued device = DevTls.issue(data, "dev-client", List.of());
            javax.net.SocketFactory withCertificate = DevTls.mqttSocketFactory(material, null, device.p12(), device.password());
            javax.net.SocketFactory withoutCertificate = DevTls.mqttSocketFactory(material, null, null, null);
            // A certificate from another CA, trusted by the client but not by the broker.
            Path stranger = dir.resolve("stranger");
            DevTls.ensure(stranger);
            DevTls.Issued foreign = DevTls.issue(stranger, "dev-foreign", List.of());
            javax.net.SocketFactory foreignCertificate = DevTls.mqttSocketFactory(material, null, foreign.p12(),
                    foreign.password());

            long now = System.currentTimeMillis();
            try (Devices devices = new Devices(url, "iot/logs", withCertificate, Devices.fleetLogin(app))) {
                for (int i = 0; i < 20; i++) {
                    devices.publish(SignedPackets.signed("tls-dev", i, now + i * 100L, 20));
                }
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(api.viewer("/api/v1/stats").get("stored").asLong()).isEqualTo(20));
            assertThatThrownBy(() -> new Devices(url, "iot/logs", withoutCertificate, Devices.fleetLogin(app)))
                    .as("TLS without a client certificate").isInstanceOf(Exception.class);
            assertThatThrownBy(() -> new Devices(url, "iot/logs", foreignCertificate, Devices.fleetLogin(app)))
                    .as("a client certificate from another CA").isInstanceOf(Exception.class);
            assertThat(api.viewer("/api/v1/stats").get("stored").asLong()).isEqualTo(20);
        }
    }
}
