package io.vigil.ml.train;

import io.vigil.ml.Features;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.sim.Attack;
import io.vigil.sim.SimDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Labelled packet streams for training and evaluation, made offline by the same simulated devices the live
 * fleet runs (no broker, no clock): a fleet ticking at a period with jitter and transport delay, heartbeats,
 * and the attacks only ML can see injected now and then. Also the labelled LWSNDR set mapped onto packets.
 */
public final class Scenarios {

    /** The attacks the ML stage is meant to catch; all other simulator attacks are refused earlier, typed. */
    public static final List<Attack> ML_ATTACKS = List.of(Attack.SENSOR_SPIKE, Attack.CPU_HIJACK, Attack.BATTERY_DRAIN,
            Attack.SILENT_DEVICE);

    /** One scored packet: its device, features, ground truth (kind null = normal) and the packet as the server sees it. */
    public record Row(String deviceId, double[] features, String kind, Features.Observation observation) {
        public boolean anomalous() {
            return kind != null;
        }
    }

    /** Scenario shape: fleet size, length, tick period, heartbeat period and attack chance per device tick. */
    public record Spec(long seed, int devices, int ticks, long periodMs, int heartbeatEvery, double attackChance,
            List<Attack> attacks) {
    }

    private static final long EPOCH = 1_790_000_000_000L; // 2026-09-21, any fixed day will do

    private Scenarios() {
    }

    public static List<Row> generate(Spec spec) {
        Random random = new Random(spec.seed());
        List<SimDevice> devices = new ArrayList<>();
        for (int i = 1; i <= spec.devices(); i++) {
            devices.add(SimDevice.unsigned(String.format("scn-%04d", i), spec.seed() * 1_000 + i));
        }
        Map<String, Features.DeviceContext> contexts = new HashMap<>();
        Map<String, Integer> silentFor = new HashMap<>();
        Map<String, Boolean> resumes = new HashMap<>();
        List<Row> rows = new ArrayList<>(spec.devices() * spec.ticks());
        long start = EPOCH + Math.floorMod(spec.seed(), 24) * 3_600_000L;
        long backlogUntil = -1;
        for (int tick = 0; tick < spec.ticks(); tick++) {
            // Now and then the gateway catches up on a backlog (after a restart): for a while every device's packets
            // reach the pipeline up to two minutes late, all alike.
            if (backlogUntil < tick && random.nextDouble() < 0.002) {
                backlogUntil = tick + 5 + random.nextInt(20);
            }
            long backlog = backlogUntil >= tick ? (backlogUntil - tick) * spec.periodMs() % 120_000 + 2_500 : 0;
            for (SimDevice device : devices) {
                String id = device.id();
                long now = start + tick * spec.periodMs() + (long) ((random.nextDouble() - 0.5) * spec.periodMs() * 0.04);
                Features.DeviceContext ctx = contexts.computeIfAbsent(id, k -> new Features.DeviceContext());
                int silent = silentFor.getOrDefault(id, 0);
                if (silent > 0) {
                    silentFor.put(id, silent - 1);
                    continue;
                }
                String resumed = resumes.remove(id) != null ? Attack.SILENT_DEVICE.wire() : null;
                if (resumed == null && tick > 20 && random.nextDouble() < spec.attackChance()) {
                    Attack attack = spec.attacks().get(random.nextInt(spec.attacks().size()));
                    if (attack == Attack.SILENT_DEVICE) {
                        silentFor.put(id, 10 + random.nextInt(30));
                        resumes.put(id, true);
                        continue;
                    }
                    for (String packet : device.mlAttack(attack, now, random)) {
                        rows.add(row(packet, now, random, ctx, attack.wire(), backlog));
                    }
                    continue;
                }
                boolean heartbeat = spec.heartbeatEvery() > 0 && device.nextSequence() % spec.heartbeatEvery() == 0;
                rows.add(row(heartbeat ? device.heartbeat(now) : device.telemetry(now), now, random, ctx, resumed,
                        backlog));
            }
        }
        return rows;
    }

    /** When the pipeline sees a packet after the device stamped it: within a batch timeout. */
    static long delay(Random random) {
        return 50 + random.nextInt(2_500);
    }

    private static Row row(String packet, long now, Random random, Features.DeviceContext ctx, String kind,
            long backlogMs) {
        Features.Observation o = observation(packet, now + delay(random) + backlogMs);
        return new Row(o.deviceId(), Features.extract(o, ctx), kind, o);
    }

    /** A wire packet as the features see it, seen at {@code referenceTime}. */
    public static Features.Observation observation(String packet, long referenceTime) {
        try {
            JsonNode p = CanonicalJson.parse(packet.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Map<String, Double> sensors = new LinkedHashMap<>();
            p.path("sensors").fields().forEachRemaining(e -> sensors.put(e.getKey(), e.getValue().asDouble()));
            return new Features.Observation(p.path("device_id").asText(), "heartbeat".equals(p.path("type").asText()),
                    p.path("sequence_no").asLong(), p.path("timestamp").asLong(), p.path("cpu_usage").asDouble(),
                    p.path("battery_level").asDouble(), sensors, referenceTime);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The LWSNDR single-hop set (reading, mote_id, indoor, humidity, temperature, label) as packets of simulated
     * motes: temperature and humidity from the data every 5 s, cpu and battery from the simulator. Only the
     * given motes.
     */
    public static List<Row> lwsndr(Path csv, List<Integer> motes, long seed) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        Random random = new Random(seed);
        Map<Integer, SimDevice> devices = new HashMap<>();
        Map<Integer, Features.DeviceContext> contexts = new HashMap<>();
        Map<Integer, Long> clocks = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            int mote = Integer.parseInt(c[1].trim());
            if (!motes.contains(mote)) {
                continue;
            }
            SimDevice device = devices.computeIfAbsent(mote, m -> SimDevice.unsigned("lwsndr-mote-" + m, seed + m));
            long now = clocks.merge(mote, EPOCH + 5_000L, (a, b) -> a + 5_000L);
            Features.Observation simulated = observation(device.telemetry(now), now + delay(random));
            Map<String, Double> sensors = new LinkedHashMap<>(simulated.sensors());
            sensors.put("humidity", Double.parseDouble(c[3].trim()));
            sensors.put("temperature", Double.parseDouble(c[4].trim()));
            Features.Observation o = new Features.Observation(simulated.deviceId(), false, simulated.sequenceNo(),
                    simulated.timestamp(), simulated.cpuUsage(), simulated.batteryLevel(), sensors,
                    simulated.referenceTime());
            double[] features = Features.extract(o, contexts.computeIfAbsent(mote, m -> new Features.DeviceContext()));
            rows.add(new Row(o.deviceId(), features, "1".equals(c[5].trim()) ? "lwsndr_event" : null, o));
        }
        return rows;
    }
}
