package io.vigil.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * One simulated ESP32-class device with the demo key of PROTOCOL §5: a daily temperature cycle, humidity
 * moving against it, daylight, occasional motion, cpu noise, a slowly draining battery, and its own
 * sequence counter. It keeps its recent packets, as an eavesdropper would, for replay attacks.
 */
public final class SimDevice {

    private static final int HISTORY = 256;

    private final String id;
    private final Ed25519PrivateKeyParameters key;
    private final Random random;
    private final Deque<String> history = new ArrayDeque<>();
    private final boolean signing;
    private long sequence;
    private double battery;
    private long localOffsetMs;
    private int burstLeft;
    private double burstLevel;

    public SimDevice(String id, long firstSequence, long seed) {
        this(id, firstSequence, seed, true);
    }

    /** A device whose packets carry no signature, for offline scenarios (ML training and evaluation). */
    public static SimDevice unsigned(String id, long seed) {
        return new SimDevice(id, 0, seed, false);
    }

    private SimDevice(String id, long firstSequence, long seed, boolean signing) {
        this.signing = signing;
        this.id = id;
        this.key = Ed25519.demoKey(id);
        this.sequence = firstSequence;
        // Mixed, not XORed: seed ^ hash("dev-0001") equals seed ^ hash("dev-0002") whenever both differ only in their
        // low bits the same way (scenario devices were identical twins).
        this.random = new Random(seed * 0x9E3779B97F4A7C15L + id.hashCode());
        this.battery = 15 + random.nextDouble() * 85;
    }

    public String id() {
        return id;
    }

    /**
     * Where the device is: its day profile (temperature cycle, daylight) follows UTC shifted by {@code offsetMs}.
     * Its timestamps stay UTC epoch milliseconds, as PROTOCOL §1 says.
     */
    public synchronized SimDevice localTime(long offsetMs) {
        this.localOffsetMs = offsetMs;
        return this;
    }

    public String publicKey() {
        return Ed25519.encode(key.generatePublicKey());
    }

    public synchronized long nextSequence() {
        return sequence;
    }

    /** A normal telemetry packet at {@code now}. */
    public synchronized String telemetry(long now) {
        ObjectNode p = base("telemetry", now, cpu(), drain(0.002));
        sensors(p, now, null);
        return signAndKeep(p);
    }

    /** The day's profile: a temperature cycle, humidity against it, daylight, occasional motion. */
    private void sensors(ObjectNode p, long now, Double temperature) {
        ObjectNode s = p.putObject("sensors");
        double hour = Math.floorMod(now + localOffsetMs, 86_400_000L) / 3_600_000.0;
        double day = Math.sin(2 * Math.PI * (hour - 9) / 24);
        double normal = round(21 + 4 * day + random.nextGaussian() * 0.3);
        s.put("temperature", temperature != null ? temperature : normal);
        s.put("humidity", round(clamp(48 - 9 * day + random.nextGaussian(), 5, 95)));
        s.put("light", round(Math.max(0, 600 * Math.sin(Math.PI * (hour - 6) / 12)) + random.nextDouble() * 5));
        s.put("motion", random.nextDouble() < 0.05 ? 1 : 0);
    }

    /** A heartbeat packet (empty sensors). */
    public synchronized String heartbeat(long now) {
        ObjectNode p = base("heartbeat", now, cpu(), drain(0.001));
        p.putObject("sensors");
        return signAndKeep(p);
    }

    /**
     * The packets of an attack only the ML stage can see (validly signed, in range): a 95 °C spike, five packets
     * of a hijacked cpu at 97-100 %, or five of a battery drained 6 points each; null for any other attack.
     */
    public synchronized java.util.List<String> mlAttack(Attack attack, long now, Random chance) {
        java.util.List<String> packets = new java.util.ArrayList<>();
        switch (attack) {
            case SENSOR_SPIKE -> packets.add(telemetryWith(now, null, null, 95.0));
            case CPU_HIJACK -> {
                for (int i = 0; i < 5; i++) {
                    packets.add(telemetryWith(now + i, 97.0 + chance.nextDouble() * 3, null, null));
                }
            }
            case BATTERY_DRAIN -> {
                double level = Math.min(battery, 40);
                for (int i = 0; i < 5; i++) {
                    level = Math.max(0, level - 6);
                    packets.add(telemetryWith(now + i, null, level, null));
                }
            }
            default -> {
                return null;
            }
        }
        return packets;
    }

    /** A telemetry packet with chosen values and the day's profile for the rest, validly signed. */
    private String telemetryWith(long now, Double cpuUsage, Double batteryLevel, Double temperature) {
        if (batteryLevel != null) {
            battery = batteryLevel;
        }
        ObjectNode p = base("telemetry", now, cpuUsage != null ? round(cpuUsage) : cpu(), round(battery));
        sensors(p, now, temperature);
        return signAndKeep(p);
    }

    /** A packet whose timestamp is off by {@code skewMs}, validly signed. */
    public synchronized String skewed(long now, long skewMs) {
        ObjectNode p = base("telemetry", now + skewMs, cpu(), drain(0.002));
        p.putObject("sensors").put("temperature", 21.0);
        return signAndKeep(p);
    }

    /** An old packet of this device, at least {@code age} sequence numbers back, or null if none is that old. */
    public synchronized String captured(int age) {
        if (history.size() <= age) {
            return null;
        }
        return history.stream().skip(history.size() - 1L - age).findFirst().orElse(null);
    }

    private ObjectNode base(String type, long timestamp, double cpu, double batteryLevel) {
        ObjectNode p = CanonicalJson.STRICT.createObjectNode();
        p.put("device_id", id);
        p.put("type", type);
        p.put("sequence_no", sequence++);
        p.put("timestamp", timestamp);
        p.put("cpu_usage", cpu);
        p.put("battery_level", batteryLevel);
        return p;
    }

    private String signAndKeep(ObjectNode packet) {
        if (!signing) {
            return packet.toString();
        }
        String signed = sign(key, packet);
        history.addLast(signed);
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        return signed;
    }

    /** Signs a packet made elsewhere (the field trial's) with this device's demo key; returns the wire JSON. */
    public String signWithOwnKey(ObjectNode packet) {
        return sign(key, packet);
    }

    /** Adds {@code sig} over the canonical form without it and returns the wire JSON. */
    public static String sign(Ed25519PrivateKeyParameters key, ObjectNode packet) {
        packet.put("sig", Ed25519.sign(key, CanonicalJson.bytesWithout(packet, "sig")));
        return packet.toString();
    }

    /**
     * Mostly 12 ± 3 %, with now and then a benign burst (an OTA check, a sensor calibration) of 2-6 packets at
     * 40-85 %: busy is not hijacked.
     */
    private double cpu() {
        if (burstLeft == 0 && random.nextDouble() < 1 / 150.0) {
            burstLeft = 2 + random.nextInt(5);
            burstLevel = 40 + random.nextDouble() * 45;
        }
        if (burstLeft > 0) {
            burstLeft--;
            return round(clamp(burstLevel + random.nextGaussian() * 3, 1, 90));
        }
        return round(clamp(12 + random.nextGaussian() * 3, 1, 60));
    }

    private double drain(double step) {
        battery = Math.max(5, battery - step);
        return round(battery);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
