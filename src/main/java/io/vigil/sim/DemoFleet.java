package io.vigil.sim;

import io.vigil.boot.DevicesFile;
import io.vigil.boot.VigilApp;
import io.vigil.boot.VigilConfig;
import io.vigil.mqtt.ServiceCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process demo fleet: provisions its devices through the devices file, publishes at the configured
 * interval, and now and then injects an attack (ground truth in {@code <data>/ground-truth.jsonl}).
 */
public final class DemoFleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoFleet.class);
    private static final Attack[] DEMO_ATTACKS = {Attack.REPLAY, Attack.FORGED_SIGNATURE, Attack.TAMPERED_PAYLOAD,
        Attack.FLOOD, Attack.SENSOR_SPIKE, Attack.CPU_HIJACK, Attack.BATTERY_DRAIN, Attack.SILENT_DEVICE,
        Attack.CLOCK_SKEW, Attack.UNKNOWN_DEVICE, Attack.MALFORMED_JSON};

    private final Fleet fleet;
    private final ScheduledExecutorService timer;

    private DemoFleet(Fleet fleet, ScheduledExecutorService timer) {
        this.fleet = fleet;
        this.timer = timer;
    }

    /** Devices file lines: {@code device_id,public_key} (demo keys, PROTOCOL §5). */
    public static Path writeDevicesFile(Path file, List<SimDevice> devices) {
        List<String> lines = new ArrayList<>();
        lines.add("# device_id,public_key (demo fleet keys: SHA-256(\"vigil-demo-device:\" + id) seeds; demo only)");
        for (SimDevice device : devices) {
            lines.add(device.id() + "," + device.publicKey());
        }
        // The PROTOCOL §5 test-vector device, for hand-made packets (vigil sign | mosquitto_pub).
        lines.add("esp32-lab-01," + new SimDevice("esp32-lab-01", 0, 0).publicKey());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * The demo fleet of {@code VIGIL_SIMULATOR_DEVICES} devices beside a started gateway, logged in as the fleet on the
     * embedded broker or with VIGIL_MQTT_USERNAME on an external one; null when there is none to start.
     */
    public static DemoFleet startBeside(VigilApp app) {
        VigilConfig config = app.config();
        int count = config.getInt("vigil.simulator.devices");
        if (!app.gateway() || count <= 0) {
            return null;
        }
        MqttLogin login;
        if (app.embeddedBroker()) {
            try {
                login = MqttLogin.fleet(ServiceCredentials.ensure(config.dataDir()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            login = config.get("vigil.mqtt.username").isEmpty() ? MqttLogin.ANONYMOUS
                    : new MqttLogin(config.get("vigil.mqtt.username"), config.get("vigil.mqtt.password"));
        }
        return start(config, count, app.camelContext().getRegistry().lookupByNameAndType("deviceRegistry",
                io.vigil.processors.DeviceRegistry.class), login);
    }

    private static DemoFleet start(VigilConfig config, int count, io.vigil.processors.DeviceRegistry registry,
            MqttLogin login) {
        Path dataDir = config.dataDir();
        long seed = config.getLong("vigil.simulator.seed");
        // Devices keep their counters across reboots; a restart of the demo continues after the last run.
        long firstSequence = SequenceStore.resume(dataDir.resolve("simulator-sequence"));
        List<SimDevice> devices = Fleet.devices("sim", count, firstSequence, seed);
        Path devicesFile = writeDevicesFile(dataDir.resolve("demo-devices.csv"), devices);
        DevicesFile.provision(devicesFile, registry);
        Fleet fleet = new Fleet(devices, config.get("vigil.mqtt.effective-url"), "vigil-demo-fleet-" + config.get("vigil.gateway.id"),
                config.get("vigil.mqtt.topic"), dataDir.resolve("ground-truth.jsonl"), seed,
                config.getInt("vigil.simulator.heartbeat-every"), login);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-demo-fleet");
            t.setDaemon(true);
            return t;
        });
        long interval = config.getLong("vigil.simulator.interval-ms");
        timer.scheduleAtFixedRate(() -> safely(() -> fleet.tick(System.currentTimeMillis())), interval, interval,
                TimeUnit.MILLISECONDS);
        long attackEvery = config.getLong("vigil.simulator.attack-every-s");
        if (attackEvery > 0) {
            Random random = new Random(seed);
            timer.scheduleAtFixedRate(() -> safely(() -> {
                Attack attack = DEMO_ATTACKS[random.nextInt(DEMO_ATTACKS.length)];
                if (fleet.inject(attack, System.currentTimeMillis())) {
                    LOG.info("demo fleet injected attack {}", attack.wire());
                }
            }), attackEvery, attackEvery, TimeUnit.SECONDS);
        }
        LOG.info("demo fleet of {} devices publishing every {} ms from sequence {}", count, interval, firstSequence);
        return new DemoFleet(fleet, timer);
    }

    private static void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("demo fleet: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        fleet.close();
    }
}
