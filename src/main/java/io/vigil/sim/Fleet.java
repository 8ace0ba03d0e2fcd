package io.vigil.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * A simulated fleet publishing over MQTT 5 (QoS 1): normal traffic per tick, and attacks on demand, each
 * attack written to a ground-truth JSONL file (kind, device, sequence range, time, expected detection).
 */
public final class Fleet implements AutoCloseable {

    private final List<SimDevice> devices;
    private final MqttClient client;
    private final String topic;
    private final Path groundTruth;
    private final Random random;
    private final int heartbeatEvery;
    /** Silent devices and until when (epoch ms). */
    private final java.util.Map<String, Long> silenced = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long a silent-device attack keeps a device quiet. */
    public static final long SILENCE_MS = 30_000;

    public Fleet(List<SimDevice> devices, String brokerUrl, String clientId, String topic, Path groundTruth, long seed,
            int heartbeatEvery, MqttLogin login) {
        this.devices = List.copyOf(devices);
        this.topic = topic;
        this.groundTruth = groundTruth;
        this.random = new Random(seed);
        this.heartbeatEvery = heartbeatEvery;
        try {
            client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setAutomaticReconnect(true);
            options.setCleanStart(true);
            login.apply(options);
            client.connect(options);
        } catch (MqttException e) {
            throw new IllegalStateException("cannot connect the simulated fleet to " + brokerUrl + ": " + e.getMessage(), e);
        }
    }

    public List<SimDevice> devices() {
        return devices;
    }

    /** One normal packet from every device that is not silenced. */
    public void tick(long now) {
        for (SimDevice device : devices) {
            Long until = silenced.get(device.id());
            if (until != null) {
                if (now < until) {
                    continue;
                }
                silenced.remove(device.id());
            }
            boolean heartbeat = heartbeatEvery > 0 && device.nextSequence() % heartbeatEvery == 0;
            publish(heartbeat ? device.heartbeat(now) : device.telemetry(now));
        }
    }

    /** Injects one attack on a random device and records its ground truth; returns false if it could not be staged. */
    public boolean inject(Attack attack, long now) {
        SimDevice device = devices.get(random.nextInt(devices.size()));
        long first = device.nextSequence();
        String deviceId = device.id();
        switch (attack) {
            case REPLAY -> {
                String old = device.captured(100);
                if (old == null) {
                    return false;
                }
                publish(old);
                first = sequenceOf(old);
            }
            case FORGED_SIGNATURE -> {
                String packet = device.telemetry(now);
                publish(packet.replaceAll("\"sig\":\"[^\"]+\"", "\"sig\":\"" + "A".repeat(86) + "\""));
            }
            case TAMPERED_PAYLOAD -> {
                String packet = device.telemetry(now);
                publish(packet.replaceFirst("\"cpu_usage\":[0-9.]+", "\"cpu_usage\":1.5"));
            }
            case FLOOD -> {
                for (int i = 0; i < 60; i++) {
                    publish(device.telemetry(now));
                }
            }
            case SENSOR_SPIKE, CPU_HIJACK, BATTERY_DRAIN -> device.mlAttack(attack, now, random).forEach(this::publish);
            case CLOCK_SKEW -> publish(device.skewed(now, 3_600_000L));
            case UNKNOWN_DEVICE -> {
                SimDevice stranger = new SimDevice("rogue-" + Integer.toHexString(random.nextInt(0xffff)), 0, 1);
                deviceId = stranger.id();
                first = 0;
                publish(stranger.telemetry(now));
            }
            case MALFORMED_JSON -> publish("{\"device_id\": \"" + device.id() + "\", \"type\": \"telemetry\", \"seq");
            case SILENT_DEVICE -> {
                // Silent for a while, then back: the first packet after the gap is the one to flag.
                silenced.put(device.id(), now + SILENCE_MS);
                first = device.nextSequence();
            }
        }
        long last = attack == Attack.REPLAY || attack == Attack.UNKNOWN_DEVICE || attack == Attack.MALFORMED_JSON
                || attack == Attack.SILENT_DEVICE
                ? first : Math.max(first, device.nextSequence() - 1);
        record(attack, deviceId, first, last, now);
        return true;
    }

    public void publish(String payload) {
        try {
            MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            client.publish(topic, message);
        } catch (MqttException e) {
            throw new IllegalStateException("publish failed: " + e.getMessage(), e);
        }
    }

    private synchronized void record(Attack attack, String deviceId, long first, long last, long now) {
        if (groundTruth == null) {
            return;
        }
        try {
            Files.createDirectories(groundTruth.toAbsolutePath().getParent());
            try (Writer out = Files.newBufferedWriter(groundTruth, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                out.write("{\"kind\":\"" + attack.wire() + "\",\"expected\":\"" + attack.expected() + "\",\"device_id\":\""
                        + deviceId + "\",\"seq_from\":" + first + ",\"seq_to\":" + last + ",\"at\":" + now + "}\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ground truth to " + groundTruth, e);
        }
    }

    private static long sequenceOf(String packet) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"sequence_no\":(\\d+)").matcher(packet);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Devices sim-0001 ... sim-NNNN starting at the given sequence numbers. */
    public static List<SimDevice> devices(String prefix, int count, long firstSequence, long seed) {
        List<SimDevice> list = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            list.add(new SimDevice(String.format("%s-%04d", prefix, i), firstSequence, seed + i));
        }
        return list;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        } catch (MqttException e) {
            // closing anyway
        }
    }
}
