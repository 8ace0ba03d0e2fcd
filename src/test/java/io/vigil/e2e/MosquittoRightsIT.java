package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.sim.MqttLogin;
import io.vigil.testsupport.SignedPackets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * The README's "External broker" setup, on the machine's Mosquitto with a config of this test's own: no anonymous
 * clients, a password file, the repository's {@code docker/mosquitto.acl}, no retained messages. Vigil logs in with
 * the credentials it is given (VIGIL_MQTT_USERNAME / VIGIL_MQTT_PASSWORD); devices with theirs; mosquitto_pub and
 * mosquitto_sub show what each may do.
 */
class MosquittoRightsIT {

    static final String DEVICE = "mq-dev-01";
    static final String OTHER = "mq-dev-02";

    record Run(int exit, String output) {
    }

    static Run run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void vigil_and_devices_log_in_with_their_own_credentials_and_each_keeps_to_its_topics() throws Exception {
        Path dir = Files.createTempDirectory("vigil-mosquitto-rights-");
        Path passwords = dir.resolve("passwd");
        String servicePassword = "svc-" + java.util.UUID.randomUUID();
        String devicePassword = "dev-" + java.util.UUID.randomUUID();
        String otherPassword = "dev-" + java.util.UUID.randomUUID();
        assertThat(run("mosquitto_passwd", "-c", "-b", passwords.toString(), "vigil-service", servicePassword).exit()).isZero();
        assertThat(run("mosquitto_passwd", "-b", passwords.toString(), DEVICE, devicePassword).exit()).isZero();
        assertThat(run("mosquitto_passwd", "-b", passwords.toString(), OTHER, otherPassword).exit()).isZero();
        Path acl = dir.resolve("acl");
        Files.copy(Path.of("docker", "mosquitto.acl"), acl);
        String security = "allow_anonymous false\npassword_file " + passwords.toAbsolutePath() + "\nacl_file "
                + acl.toAbsolutePath() + "\nretain_available false\n";
        try (Mosquitto broker = new Mosquitto(dir.resolve("broker"), "", security);
                VigilProcess app = new VigilProcess(dir.resolve("vigil")).with("VIGIL_MQTT_URL", broker.url())
                        .with("VIGIL_MQTT_USERNAME", "vigil-service").with("VIGIL_MQTT_PASSWORD", servicePassword)
                        .with("VIGIL_BATCH_SIZE", "5").with("VIGIL_BATCH_TIMEOUT_MS", "300").start()) {
            Api api = app.api();
            for (String device : List.of(DEVICE, OTHER)) {
                assertThat(api.post("/api/v1/devices", PipelineContract.ADMIN, PipelineContract.provision(device))
                        .status()).isEqualTo(201);
            }
            String port = String.valueOf(broker.port);
            long now = System.currentTimeMillis();
            Run anonymous = run("mosquitto_pub", "-V", "mqttv5", "-p", port, "-t", "iot/logs", "-q", "1", "-m",
                    SignedPackets.signed(DEVICE, 1, now, 20));
            assertThat(anonymous.exit()).as(anonymous.output()).isNotZero();
            Run wrong = run("mosquitto_pub", "-V", "mqttv5", "-p", port, "-u", DEVICE, "-P", "guess", "-t", "iot/logs",
                    "-m", "{}");
            assertThat(wrong.exit()).as(wrong.output()).isNotZero();
            // A device subscribing to the logs, another device's commands or everything: Mosquitto 2.0 may grant the
            // SUBACK, but its ACL lets nothing through (checked below, once packets and commands have flowed).
            BlockingQueue<String> spied = new LinkedBlockingQueue<>();
            MqttClient spy = new MqttClient(broker.url(), DEVICE + "-spy", new MemoryPersistence());
            MqttConnectionOptions spyOptions = new MqttConnectionOptions();
            new MqttLogin(DEVICE, devicePassword).apply(spyOptions);
            spy.connect(spyOptions);
            for (String filter : List.of("iot/logs", "iot/cmd/" + OTHER, "#")) {
                spy.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                    new org.eclipse.paho.mqttv5.common.MqttSubscription(filter, 1)},
                        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> {
                            if (!topic.equals("iot/cmd/" + DEVICE)) { // its own commands it may read
                                spied.add(topic);
                            }
                        }});
            }
            Run command = run("mosquitto_pub", "-V", "mqttv5", "-p", port, "-u", DEVICE, "-P", devicePassword, "-t",
                    "iot/cmd/" + OTHER, "-q", "1", "-m", "{}");
            assertThat(command.output()).contains("Not authorized");
            // retain_available false: Mosquitto's CONNACK says so, the client drops the flag, nothing is kept. A
            // subscriber arriving afterwards (Vigil's own login, which may read iot/logs) gets no retained message.
            Run retained = run("mosquitto_pub", "-V", "mqttv5", "-p", port, "-u", DEVICE, "-P", devicePassword, "-t",
                    "iot/logs", "-q", "1", "-r", "-m", "{\"retained\":true}");
            Run late = run("mosquitto_sub", "-V", "mqttv5", "-p", port, "-u", "vigil-service", "-P", servicePassword,
                    "-t", "iot/logs", "-W", "2", "-C", "1");
            assertThat(late.output()).as("no retained messages (publish said: %s)", retained.output())
                    .doesNotContain("retained").contains("Timed out");

            // The device's packets, published with its own login, are stored once each.
            List<String> packets = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                packets.add(SignedPackets.signed(DEVICE, i, now + i * 100L, 20 + i));
            }
            try (Devices device = new Devices(broker.url(), "iot/logs", null, new MqttLogin(DEVICE, devicePassword))) {
                for (String p : packets) {
                    device.publish(p);
                }
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(api.items("/api/v1/logs?device_id=" + DEVICE + "&limit=100").size()).isEqualTo(10));

            // The other device's packet is stored too: it crossed the broker while the spy listened.
            try (Devices other = new Devices(broker.url(), "iot/logs", null, new MqttLogin(OTHER, otherPassword))) {
                other.publish(SignedPackets.signed(OTHER, 1, System.currentTimeMillis(), 20));
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(api.items("/api/v1/logs?device_id=" + OTHER + "&limit=100").size()).isEqualTo(1));
            assertThat(api.post("/api/v1/devices/" + OTHER + "/commands", "it-operator-token",
                    "{\"action\":\"reboot\"}").status()).isEqualTo(202);

            // Vigil's command publisher logs in as vigil-service; the device hears its own command.
            BlockingQueue<String> heard = new LinkedBlockingQueue<>();
            MqttClient listener = new MqttClient(broker.url(), DEVICE + "-cmd", new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            new MqttLogin(DEVICE, devicePassword).apply(options);
            listener.connect(options);
            listener.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription("iot/cmd/" + DEVICE, 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) ->
                        heard.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8))});
            try {
                Api.Answer sent = api.post("/api/v1/devices/" + DEVICE + "/commands", "it-operator-token",
                        "{\"action\":\"reboot\"}");
                assertThat(sent.status()).isEqualTo(202);
                assertThat(heard.poll(30, TimeUnit.SECONDS)).startsWith("iot/cmd/" + DEVICE + " ")
                        .contains(sent.json().get("command_id").asText());
            } finally {
                listener.disconnect();
                listener.close();
            }
            // Eleven packets on iot/logs and a command to the other device went through the broker; the spy,
            // subscribed to both and to #, got none of them.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(spied::isEmpty);
            spy.disconnect();
            spy.close();
        }
    }
}
