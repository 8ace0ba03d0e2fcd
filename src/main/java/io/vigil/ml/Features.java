package io.vigil.ml;

import io.vigil.model.Packet;
import io.vigil.model.PacketType;
import java.util.List;
import java.util.Map;

/**
 * The one feature extractor of training, serving and evaluation: a packet's own values plus what it says
 * against its device's recent past. {@link DeviceContext} carries that past and is updated by every call.
 */
public final class Features {

    public static final List<String> NAMES = List.of(
            "temperature", "humidity", "light", "motion", "cpu_usage", "battery_level",
            "inter_arrival_ratio", "sequence_gap", "clock_skew_s", "battery_drain_per_min",
            "temperature_dev", "cpu_dev", "heartbeat");
    public static final int COUNT = NAMES.size();

    /** Weight of the newest value in the device's moving baselines. */
    static final double ALPHA = 0.05;
    private static final double TEMPERATURE_FLOOR = 0.5;
    private static final double CPU_FLOOR = 2.0;

    private Features() {
    }

    /** What the features need of one packet; {@code referenceTime} is when the pipeline saw it (epoch ms). */
    public record Observation(String deviceId, boolean heartbeat, long sequenceNo, long timestamp, double cpuUsage,
            double batteryLevel, Map<String, Double> sensors, long referenceTime) {

        public static Observation of(Packet p, long referenceTime) {
            return new Observation(p.deviceId(), p.type() == PacketType.HEARTBEAT, p.sequenceNo(), p.timestamp(),
                    p.cpuUsage(), p.batteryLevel(), p.sensors(), referenceTime);
        }
    }

    /** A device's recent past as the features see it. Plain fields, so it can be stored and restored as JSON. */
    public static final class DeviceContext {
        public long count;
        public long lastTimestamp;
        public long lastSequence;
        public double lastBattery;
        public double meanInterArrival;
        public double temperature;
        public double humidity;
        public double light;
        public double temperatureMean;
        public double temperatureVar;
        public double cpuMean;
        public double cpuVar;
        public long temperatureCount;
        /** The device against its own past over windows of time. */
        public Behaviour.State behaviour = new Behaviour.State();
    }

    /** The feature vector of {@code o} in {@link #NAMES} order; {@code ctx} is then updated with {@code o}. */
    public static double[] extract(Observation o, DeviceContext ctx) {
        double[] f = new double[COUNT];
        Double t = o.sensors().get("temperature");
        Double h = o.sensors().get("humidity");
        Double l = o.sensors().get("light");
        Double m = o.sensors().get("motion");
        boolean first = ctx.count == 0;
        // A packet older than one already seen (parallel workers may journal a burst out of order): its gap and
        // timing say nothing about the device, so they read as ordinary; its values still count.
        boolean late = !first && o.sequenceNo() <= ctx.lastSequence;
        // A heartbeat carries no sensors: the device's last readings stand in, so absence is not an anomaly.
        double temperature = t != null ? t : ctx.temperature;
        f[0] = temperature;
        f[1] = h != null ? h : ctx.humidity;
        f[2] = l != null ? l : ctx.light;
        f[3] = m != null ? m : 0;
        f[4] = o.cpuUsage();
        f[5] = o.batteryLevel();
        double dtSeconds = first || late ? 0 : Math.max(0, (o.timestamp() - ctx.lastTimestamp) / 1000.0);
        f[6] = first || late || ctx.meanInterArrival <= 0 ? 1 : dtSeconds / ctx.meanInterArrival;
        f[7] = first || late ? 1 : o.sequenceNo() - ctx.lastSequence;
        f[8] = (o.referenceTime() - o.timestamp()) / 1000.0;
        // Per minute, over at least a minute: a device reporting every second must not turn the 0.01 steps of its
        // rounded battery level into a steep drain.
        double minutes = Math.max(dtSeconds / 60.0, 1.0);
        f[9] = first || late ? 0 : (ctx.lastBattery - o.batteryLevel()) / minutes;
        f[10] = t == null || ctx.temperatureCount == 0 ? 0
                : (t - ctx.temperatureMean) / Math.sqrt(ctx.temperatureVar + TEMPERATURE_FLOOR * TEMPERATURE_FLOOR);
        f[11] = first ? 0 : (o.cpuUsage() - ctx.cpuMean) / Math.sqrt(ctx.cpuVar + CPU_FLOOR * CPU_FLOOR);
        f[12] = o.heartbeat() ? 1 : 0;
        update(o, ctx, t, h, l, dtSeconds, first, late);
        return f;
    }

    private static double clip(double d, double var, double floor) {
        double limit = 3 * Math.sqrt(var + floor * floor);
        return Math.max(-limit, Math.min(limit, d));
    }

    private static void update(Observation o, DeviceContext ctx, Double t, Double h, Double l, double dtSeconds,
            boolean first, boolean late) {
        // Baselines move with the device but an outlier moves them at most 3 deviations' worth (winsorised), so one
        // attack does not make the device's next normal packets look strange.
        if (!first && dtSeconds > 0) {
            ctx.meanInterArrival = ctx.meanInterArrival <= 0 ? dtSeconds
                    : ctx.meanInterArrival + ALPHA * (Math.min(dtSeconds, 3 * ctx.meanInterArrival) - ctx.meanInterArrival);
        }
        if (t != null) {
            if (ctx.temperatureCount == 0) {
                ctx.temperatureMean = t;
                ctx.temperatureVar = 0;
            } else {
                double d = clip(t - ctx.temperatureMean, ctx.temperatureVar, TEMPERATURE_FLOOR);
                ctx.temperatureMean += ALPHA * d;
                ctx.temperatureVar = (1 - ALPHA) * (ctx.temperatureVar + ALPHA * d * d);
            }
            ctx.temperatureCount++;
            ctx.temperature = t;
        }
        if (h != null) {
            ctx.humidity = h;
        }
        if (l != null) {
            ctx.light = l;
        }
        if (first) {
            ctx.cpuMean = o.cpuUsage();
            ctx.cpuVar = 0;
        } else {
            double d = clip(o.cpuUsage() - ctx.cpuMean, ctx.cpuVar, CPU_FLOOR);
            ctx.cpuMean += ALPHA * d;
            ctx.cpuVar = (1 - ALPHA) * (ctx.cpuVar + ALPHA * d * d);
        }
        if (!late) {
            ctx.lastTimestamp = o.timestamp();
            ctx.lastSequence = o.sequenceNo();
            ctx.lastBattery = o.batteryLevel();
        }
        ctx.count++;
    }
}
