package io.vigil.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A held-out field trial for the ML stage, unlike the fleet the models were trained on: devices reporting every 1-5 s
 * from rooms of their own (5-40 °C, 10-90 %RH), occupancy driving light, motion and a little heat, benign cpu bursts,
 * batteries that drain and charge, heartbeats, clocks a little off. Into it go labelled subtle events of nine kinds
 * ({@link Kind}), each on one device for a stretch of time. Packets are made in time order, unsigned (offline
 * evaluation) or signed (published live), with when the pipeline sees each.
 */
public final class FieldTrial {

    /** The subtle events: nothing the gateway can refuse, only what a device's behaviour says. */
    public enum Kind {
        DRIFT, STUCK, SPIKE, CPU_CREEP, BATTERY_FAST, MIMICRY, ERRATIC, HEARTBEAT_ONLY, CLOCK_SKEW;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One labelled event: a device misbehaving from {@code start} to {@code end} (device time, epoch ms). */
    public record Event(int id, String deviceId, Kind kind, long start, long end, String detail) {
    }

    /** One packet: its wire JSON, when the pipeline sees it, and the event it belongs to (null: normal). */
    public record Emitted(String deviceId, String packet, long seenAt, Event event) {
    }

    /**
     * Trial shape: seed, fleet size, length, how many events, and the environment: {@code wide} rooms span the
     * held-out ranges (5-40 °C, 10-90 %RH); otherwise the training simulator's comfortable rooms. With
     * {@code noisyMimicry} a mimicking device adds its own sensor noise to the readings it copies (everything else
     * in the trial is the same as without). With {@code oneSensorStuck} a stuck sensor is one sensor, the
     * temperature or the humidity (by turns), while the others go on as usual; otherwise every reading freezes.
     */
    public record Spec(long seed, int devices, long durationMs, int events, boolean wide, boolean noisyMimicry,
            boolean oneSensorStuck) {
        public Spec(long seed, int devices, long durationMs, int events, boolean wide) {
            this(seed, devices, durationMs, events, wide, false, false);
        }

        public Spec(long seed, int devices, long durationMs, int events, boolean wide, boolean noisyMimicry) {
            this(seed, devices, durationMs, events, wide, noisyMimicry, false);
        }
    }

    public record Trial(List<Emitted> packets, List<Event> events) {
    }

    static final long EPOCH = 1_795_000_000_000L;

    private FieldTrial() {
    }

    public static Trial generate(Spec spec, boolean signed) {
        Random random = new Random(spec.seed());
        List<Device> devices = new ArrayList<>();
        for (int i = 1; i <= spec.devices(); i++) {
            devices.add(new Device(String.format("fld-%04d", i), spec.seed() * 7_919 + i, spec.wide(), signed,
                    spec.noisyMimicry(), spec.oneSensorStuck()));
        }
        List<Event> events = schedule(spec, devices, random);
        for (Event e : events) {
            devices.stream().filter(d -> d.id.equals(e.deviceId())).findFirst().orElseThrow().events.add(e);
        }
        PriorityQueue<Device> due = new PriorityQueue<>(Comparator.comparingLong((Device d) -> d.next));
        devices.forEach(d -> {
            d.next = EPOCH + (long) (random.nextDouble() * d.periodMs);
            due.add(d);
        });
        List<Emitted> out = new ArrayList<>();
        long end = EPOCH + spec.durationMs();
        while (!due.isEmpty()) {
            Device d = due.poll();
            if (d.next >= end) {
                continue;
            }
            out.add(d.emit(d.next, devices));
            due.add(d);
        }
        out.sort(Comparator.comparingLong(Emitted::seenAt));
        return new Trial(out, events);
    }

    /**
     * Events spread over the trial after a warm-up of a tenth of it, one device at a time, kinds in turn so that
     * each appears about equally; a device gets no second event until its first has been over for a while.
     */
    private static List<Event> schedule(Spec spec, List<Device> devices, Random random) {
        List<Event> events = new ArrayList<>();
        long warm = spec.durationMs() / 10;
        long[] freeFrom = new long[devices.size()];
        Kind[] kinds = Kind.values();
        for (int i = 0; i < spec.events(); i++) {
            Kind kind = kinds[i % kinds.length];
            long length = switch (kind) {
                case SPIKE -> 1;
                case BATTERY_FAST, DRIFT, CPU_CREEP -> 240_000 + random.nextInt(240_000);
                default -> 90_000 + random.nextInt(150_000);
            };
            for (int attempt = 0; attempt < 200; attempt++) {
                int d = random.nextInt(devices.size());
                long start = EPOCH + warm + (long) (random.nextDouble() * (spec.durationMs() - warm - length - 60_000));
                Device device = devices.get(d);
                if (start < freeFrom[d]) {
                    continue;
                }
                if (kind == Kind.SPIKE) {
                    length = device.periodMs * (1 + random.nextInt(3)) - 1;
                }
                String detail = switch (kind) {
                    case MIMICRY -> devices.get((d + 1 + random.nextInt(devices.size() - 1)) % devices.size()).id;
                    case CLOCK_SKEW -> String.valueOf((random.nextBoolean() ? 1 : -1) * (150_000 + random.nextInt(70_000)));
                    case SPIKE -> String.valueOf(12 + random.nextDouble() * 4);
                    default -> "";
                };
                events.add(new Event(i + 1, device.id, kind, start, start + length, detail));
                freeFrom[d] = start + length + 300_000;
                break;
            }
        }
        return events;
    }

    /** One device of the trial: its room, habits and clock, and the events planned for it. */
    static final class Device {
        final String id;
        final long periodMs;
        final List<Event> events = new ArrayList<>();
        private final Random random;
        private final SimDevice keys;
        private final boolean signed;
        private final double baseTemperature;
        private final double dayAmplitude;
        private final double baseHumidity;
        private final double windowLight;
        private final double noise;
        private final double cpuBase;
        private final double drainPerHour;
        private final int heartbeatEvery;
        private final long clockOffsetMs;
        private long sequence;
        private long next;
        private double battery;
        private boolean charging;
        private boolean occupied;
        private double occupancyHeat;
        private int burstLeft;
        private double burstLevel;
        private double[] last = new double[4];
        private double[] frozen;
        /** Its own stream, so that a trial with noisy mimicry differs from one without only in the copies. */
        private final Random mimicNoise;
        private final boolean oneSensorStuck;

        Device(String id, long seed, boolean wide, boolean signed, boolean noisyMimicry, boolean oneSensorStuck) {
            this.id = id;
            this.oneSensorStuck = oneSensorStuck;
            this.random = new Random(seed);
            this.mimicNoise = noisyMimicry ? new Random(seed ^ 0x6d696d6963L) : null;
            this.keys = new SimDevice(id, 0, seed);
            this.signed = signed;
            this.periodMs = 1_000 + random.nextInt(4_001);
            this.baseTemperature = wide ? 5 + random.nextDouble() * 35 : 19 + random.nextDouble() * 4;
            this.dayAmplitude = 0.5 + random.nextDouble() * 3;
            this.baseHumidity = wide ? 12 + random.nextDouble() * 76 : 40 + random.nextDouble() * 15;
            this.windowLight = random.nextDouble() * 700;
            this.noise = 0.05 + random.nextDouble() * 0.25;
            this.cpuBase = 4 + random.nextDouble() * 16;
            this.drainPerHour = 0.5 + random.nextDouble() * 2.5;
            this.heartbeatEvery = 5 + random.nextInt(11);
            this.clockOffsetMs = (long) ((random.nextDouble() - 0.5) * 4_000);
            this.battery = 30 + random.nextDouble() * 70;
            this.occupied = random.nextBoolean();
        }

        private Event active(long t) {
            for (Event e : events) {
                if (t >= e.start() && t <= e.end()) {
                    return e;
                }
            }
            return null;
        }

        Emitted emit(long t, List<Device> fleet) {
            Event e = active(t);
            Kind kind = e == null ? null : e.kind();
            long step = periodMs + (long) ((random.nextDouble() - 0.5) * periodMs * 0.04);
            next = t + (kind == Kind.ERRATIC ? (long) (periodMs * (0.1 + random.nextDouble() * 3.9)) : step);
            double hours = step / 3_600_000.0;
            // Occupancy: a two-state process with stays of minutes; people warm a room a little, slowly.
            if (random.nextDouble() < step / (occupied ? 600_000.0 : 900_000.0)) {
                occupied = !occupied;
            }
            occupancyHeat += ((occupied ? 1.0 : 0.0) - occupancyHeat) * Math.min(1, step / 300_000.0);
            if (charging) {
                battery = Math.min(100, battery + 25 * hours);
                charging = battery < 95;
            } else {
                battery = Math.max(0, battery - drainPerHour * hours * (kind == Kind.BATTERY_FAST ? 3 : 1));
                charging = battery < 15 + random.nextDouble() * 10;
            }
            double hour = Math.floorMod(t, 86_400_000L) / 3_600_000.0;
            double day = Math.sin(2 * Math.PI * (hour - 9) / 24);
            double temperature = baseTemperature + dayAmplitude * day + 0.8 * occupancyHeat + random.nextGaussian() * noise;
            double humidity = clamp(baseHumidity - 1.5 * dayAmplitude * day + random.nextGaussian() * 0.8, 1, 99);
            double light = Math.max(0, windowLight * Math.sin(Math.PI * (hour - 6) / 12)) + (occupied ? 350 : 0)
                    + random.nextDouble() * 4;
            double motion = random.nextDouble() < (occupied ? 0.3 : 0.01) ? 1 : 0;
            if (burstLeft == 0 && random.nextDouble() < 1 / 150.0) {
                burstLeft = 2 + random.nextInt(5);
                burstLevel = 45 + random.nextDouble() * 40;
            }
            double cpu = burstLeft > 0 ? burstLevel + random.nextGaussian() * 3 : cpuBase + random.nextGaussian() * 2;
            burstLeft = Math.max(0, burstLeft - 1);
            if (kind == Kind.DRIFT) {
                temperature += 0.05 * ((t - e.start()) / (double) periodMs);
            } else if (kind == Kind.SPIKE) {
                temperature = baseTemperature + Double.parseDouble(e.detail());
            } else if (kind == Kind.CPU_CREEP) {
                double progress = (t - e.start()) / (double) (e.end() - e.start());
                cpu = cpuBase + (70 - cpuBase) * progress + random.nextGaussian() * 2;
            }
            double[] values = {temperature, humidity, light, motion};
            if (kind == Kind.STUCK) {
                frozen = frozen == null ? last.clone() : frozen;
                if (oneSensorStuck) {
                    int sensor = e.id() % 2; // 0: temperature, 1: humidity
                    values = values.clone();
                    values[sensor] = frozen[sensor];
                } else {
                    values = frozen;
                }
            } else {
                frozen = null;
            }
            if (kind == Kind.MIMICRY) {
                Device target = fleet.stream().filter(d -> d.id.equals(e.detail())).findFirst().orElseThrow();
                values = target.last.clone();
                if (mimicNoise != null) {
                    values[0] += mimicNoise.nextGaussian() * noise;
                    values[1] += mimicNoise.nextGaussian() * 0.8;
                    values[2] = Math.max(0, values[2] + mimicNoise.nextGaussian() * (1 + 0.01 * values[2]));
                }
            }
            boolean heartbeat = kind == Kind.HEARTBEAT_ONLY || sequence % heartbeatEvery == 0;
            long stamp = t + clockOffsetMs + (kind == Kind.CLOCK_SKEW ? Long.parseLong(e.detail()) : 0);
            ObjectNode p = CanonicalJson.STRICT.createObjectNode();
            p.put("device_id", id);
            p.put("type", heartbeat ? "heartbeat" : "telemetry");
            p.put("sequence_no", sequence++);
            p.put("timestamp", stamp);
            p.put("cpu_usage", round(clamp(cpu, 0, 100)));
            p.put("battery_level", round(battery));
            ObjectNode s = p.putObject("sensors");
            if (!heartbeat) {
                s.put("temperature", round(values[0]));
                s.put("humidity", round(values[1]));
                s.put("light", round(values[2]));
                s.put("motion", values[3]);
            }
            if (kind != Kind.MIMICRY && kind != Kind.STUCK) {
                last = values;
            }
            String wire = signed ? keys.signWithOwnKey(p) : p.toString();
            return new Emitted(id, wire, t + 20 + random.nextInt(400), e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
