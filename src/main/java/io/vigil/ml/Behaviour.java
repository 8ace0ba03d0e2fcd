package io.vigil.ml;

import java.util.Locale;

/**
 * Each device against its own past, over windows of time: the checks that see what one packet cannot (slow drift, a
 * frozen sensor, cpu high for minutes rather than a burst, a battery draining faster than it used to, only
 * heartbeats, a clock off by more than the device's own usual skew, erratic sampling, readings copied from another
 * device). Every baseline is the device's own and learns with time constants in seconds, so a humid room or a slow
 * reporter is normal for that device. Each check gives a ratio r of its evidence to its threshold; confidence is
 * 0.49·r below it and 1 − 0.5/r² above (0.5 at the threshold, 0.78 at 1.5×, 0.875 at 2×), and the strongest check
 * speaks. Unsupervised: nothing here was fitted to a simulator's attacks.
 */
public final class Behaviour {

    /** The strongest check of a packet: its name, confidence that the packet is anomalous, and what it saw. */
    public record Finding(String check, double confidence, String detail) {
        public static final Finding NONE = new Finding(null, 0, null);

        public boolean anomalous() {
            return confidence >= 0.5;
        }
    }

    /** Time constants (s): the slow baselines, the fast ones, the battery's regression window, the usual drain. */
    static final double SLOW_S = 600;
    static final double FAST_S = 20;
    static final double BATTERY_S = 90;
    static final double USUAL_DRAIN_S = 1_800;
    /** Telemetry packets and seconds of history before the level checks judge. */
    static final int WARM_PACKETS = 20;
    static final double WARM_S = 20;
    static final int INTERVALS = 16;

    /** One reading's 10-min baseline, its noise (half the mean squared jump from one packet to the next) and last value. */
    public static final class Level {
        public double slow;
        public double noise;
        public double last = Double.NaN;

        /** The distance from the baseline that is the threshold: {@code floor} or 6 σ, whichever is larger. */
        double scale(double floor) {
            return Math.max(floor, 6 * Math.sqrt(noise));
        }

        /** Learns a reading; an outlier moves the baseline by at most one threshold's worth. */
        void learn(double x, double floor, double slowAlpha, double fastAlpha) {
            if (Double.isNaN(last)) {
                slow = x;
            } else {
                double scale = scale(floor);
                slow += slowAlpha * clip(x - slow, scale);
                double jump = x - last;
                noise += fastAlpha * (Math.min(jump * jump, scale * scale) / 2 - noise);
            }
            last = x;
        }
    }

    static final double TEMPERATURE_FLOOR = 1.5;
    static final double HUMIDITY_FLOOR = 10;

    /** A device's state for the checks; plain fields, stored with its feature context. */
    public static final class State {
        public long telemetry;
        public long packets;
        public long firstTimestamp;
        public long lastTimestamp;
        public Level temperature = new Level();
        public Level humidity = new Level();
        public double lastLight = Double.NaN;
        public int identicalRun;
        public int longestIdenticalRun;
        public int temperatureRun;
        public int longestTemperatureRun;
        public double temperatureChanges;
        public int humidityRun;
        public int longestHumidityRun;
        public double humidityChanges;
        public double cpuSlow;
        public double cpuNoise;
        public double lastCpu;
        public long cpuHighSince = -1;
        public int cpuHighPackets;
        public double bw;
        public double bt;
        public double bb;
        public double btt;
        public double btb;
        public long batteryOrigin;
        public double usualDrain = Double.NaN;
        public double lastBattery = Double.NaN;
        public int heartbeatRun;
        public long heartbeats;
        public double usualSkew = Double.NaN;
        public double usualDt = Double.NaN;
        /** The highest sequence number seen (-1: none yet, or a state saved before it was kept). */
        public long lastSequence = -1;
        public double[] intervals;
        public int intervalsFilled;
        public double mimicry;
    }

    private Behaviour() {
    }

    static double confidence(double r) {
        return r < 1 ? 0.49 * Math.max(0, r) : 1 - 0.5 / (r * r);
    }

    private static double alpha(double dtSeconds, double tau) {
        return 1 - Math.exp(-Math.max(0, dtSeconds) / tau);
    }

    /**
     * Judges {@code o} against its device's state and then learns from it. {@code skewShift}: how far the fleet's
     * skew has moved from its usual in this batch (a gateway catching up on a backlog shifts every device's);
     * {@code copied}: the mimicry evidence of this packet (1 when its readings equal another device's earlier ones).
     */
    public static Finding assess(Features.Observation o, State s, double skewShift, double copied) {
        boolean first = s.packets == 0;
        boolean late = !first && o.timestamp() < s.lastTimestamp;
        double dt = first || late ? 0 : (o.timestamp() - s.lastTimestamp) / 1000.0;
        // The interval a sequence step: packets that arrive out of order, or were lost on the way, are not a device
        // sampling erratically (a device's packets over several connections, or a gateway's parallel workers, reorder
        // them; seen in the benchmark as "erratic sampling" alerts on a fleet sampling every 60 ms exactly).
        long steps = s.lastSequence >= 0 && o.sequenceNo() > s.lastSequence ? o.sequenceNo() - s.lastSequence : 1;
        boolean reordered = s.lastSequence >= 0 && o.sequenceNo() < s.lastSequence;
        double step = reordered ? 0 : dt / steps;
        double age = first ? 0 : (o.timestamp() - s.firstTimestamp) / 1000.0;
        Finding best = Finding.NONE;
        Double t = o.sensors().get("temperature");
        Double h = o.sensors().get("humidity");
        Double l = o.sensors().get("light");
        boolean warm = s.telemetry >= WARM_PACKETS && age >= WARM_S;

        // Level against the device's slow baseline: a plausible spike, and drift, which the baseline follows only
        // with a lag of slope × 10 min.
        if (t != null && warm) {
            best = level(best, "temperature", t, s.temperature, TEMPERATURE_FLOOR, "°C");
        }
        if (h != null && warm) {
            best = level(best, "humidity", h, s.humidity, HUMIDITY_FLOOR, "%RH");
        }
        // A frozen sensor: the same temperature and humidity for longer than this device has ever repeated them (light
        // is left out: a dark room reads 0 all night). A temperature or a humidity alone that stays put counts only on a
        // device where it changes from nearly every packet to the next (a real office's may not, for hours): frozen().
        boolean same = t != null && h != null && t == s.temperature.last && h == s.humidity.last;
        int run = t == null ? s.identicalRun : same ? s.identicalRun + 1 : 1;
        double stuckAt = Math.max(12, 2.0 * s.longestIdenticalRun);
        if (t != null && warm) {
            best = stronger(best, "stuck", run / stuckAt, () -> String.format(Locale.ROOT,
                    "the same readings %d packets in a row (this device's longest before: %d)", run,
                    s.longestIdenticalRun));
        }
        int temperatureRun = t == null ? s.temperatureRun : t == s.temperature.last ? s.temperatureRun + 1 : 1;
        best = frozen(best, "temperature", t, s, temperatureRun, s.longestTemperatureRun, s.temperatureChanges);
        int humidityRun = h == null ? s.humidityRun : h == s.humidity.last ? s.humidityRun + 1 : 1;
        best = frozen(best, "humidity", h, s, humidityRun, s.longestHumidityRun, s.humidityChanges);
        // cpu high for a minute and a half or more (8 packets at least), not a burst.
        double cpuLimit = s.cpuSlow + Math.max(15, 5 * Math.sqrt(s.cpuNoise));
        boolean high = s.packets >= WARM_PACKETS && o.cpuUsage() > cpuLimit;
        long highSince = high ? (s.cpuHighSince < 0 ? o.timestamp() : s.cpuHighSince) : -1;
        int highPackets = high ? s.cpuHighPackets + 1 : 0;
        if (high && highPackets >= 8) {
            double seconds = (o.timestamp() - highSince) / 1000.0;
            best = stronger(best, "cpu_sustained", seconds / 90.0, () -> String.format(Locale.ROOT,
                    "cpu %.1f %% above %.1f %% for %.0f s (%d packets; its usual %.1f %%)", o.cpuUsage(), cpuLimit,
                    seconds, highPackets, s.cpuSlow));
        }
        // Battery: the drain over the last minutes against this device's usual drain (charging is not drain).
        double drain = batteryDrain(s, o);
        boolean knowsDrain = !Double.isNaN(s.usualDrain) && age >= 600;
        if (knowsDrain && drain > 0) {
            double limit = 2 * Math.max(s.usualDrain, 0.2) + 0.2;
            best = stronger(best, "battery_drain", drain / limit, () -> String.format(Locale.ROOT,
                    "battery draining %.2f %%/h over the last minutes, against its usual %.2f %%/h", drain,
                    s.usualDrain));
        }
        // Only heartbeats from a device that sends telemetry.
        int beats = o.heartbeat() ? s.heartbeatRun + 1 : 0;
        if (o.heartbeat() && s.telemetry >= 10 && s.heartbeats < s.telemetry) {
            best = stronger(best, "heartbeats_only", beats / 4.0, () -> String.format(Locale.ROOT,
                    "%d heartbeats in a row and no telemetry", beats));
        }
        // Clock: skew against the device's own usual, net of the fleet's shift in this batch.
        double skew = (o.referenceTime() - o.timestamp()) / 1000.0;
        double skewOff = Double.isNaN(s.usualSkew) ? 0 : skew - s.usualSkew - skewShift;
        if (!Double.isNaN(s.usualSkew) && s.packets >= 10) {
            best = stronger(best, "clock", Math.abs(skewOff) / 60.0, () -> String.format(Locale.ROOT,
                    "clock %+.0f s off its usual skew %.1f s", skewOff, s.usualSkew));
        }
        // Sampling: the median of |ln(interval / usual interval)| over the last 16 intervals, which jitter keeps near
        // 0.02; a median, so that a few odd intervals (a burst sent at once, a gap) do not move it.
        double[] intervals = s.intervals == null ? new double[INTERVALS] : s.intervals.clone();
        int filled = s.intervalsFilled;
        if (step > 0 && s.usualDt > 0) {
            intervals[filled % INTERVALS] = Math.min(3, Math.abs(Math.log(step / s.usualDt)));
            filled++;
        }
        double erratic = median(intervals, Math.min(filled, INTERVALS));
        if (s.packets >= WARM_PACKETS && filled >= INTERVALS) {
            best = stronger(best, "sampling", erratic / 0.3, () -> String.format(Locale.ROOT,
                    "erratic sampling: intervals off the usual %.1f s by a factor of %.1f (median of the last %d)",
                    s.usualDt, Math.exp(erratic), INTERVALS));
        }
        // Silence: a gap of ten usual intervals or more (and ten seconds at least) before this packet.
        if (dt >= 10 && s.usualDt > 0 && s.packets >= WARM_PACKETS) {
            best = stronger(best, "silence", dt / s.usualDt / 10, () -> String.format(Locale.ROOT,
                    "silent for %.0f s before this packet (usually every %.1f s)", dt, s.usualDt));
        }
        // Readings equal to another device's earlier ones, again and again.
        double mimicry = t == null ? s.mimicry : s.mimicry + 0.25 * (copied - s.mimicry);
        if (t != null) {
            best = stronger(best, "mimicry", mimicry / 0.4, () -> String.format(Locale.ROOT,
                    "readings equal to another device's (%.0f %% of its recent packets)", 100 * mimicry));
        }

        s.intervals = intervals;
        s.intervalsFilled = filled;
        // The humidity's runs (before learn() moves its last value on); the temperature's are kept in learn().
        if (h != null) {
            s.longestHumidityRun = longest(s.humidityRun, humidityRun, s.longestHumidityRun);
            s.humidityRun = humidityRun;
            if (!Double.isNaN(s.humidity.last) && humidityRun <= 2) {
                s.humidityChanges += changeRate(s) * ((h == s.humidity.last ? 0 : 1) - s.humidityChanges);
            }
        }
        learn(o, s, t, h, l, dt, step, first, late, run, temperatureRun, high, highSince, highPackets, drain, beats, skew,
                skewShift, skewOff, mimicry, best.anomalous());
        return best;
    }

    /** Telemetry packets before a single frozen sensor is judged (its change rate is a plain mean until then). */
    static final int FROZEN_AFTER = 50;

    /** How fast a sensor's change rate learns: the plain mean over the first 50 packets, then a 50-packet average. */
    private static double changeRate(State s) {
        return Math.max(0.02, 1.0 / Math.max(1, s.telemetry));
    }

    /**
     * One sensor frozen while the others move: a reading that stays put counts only on a device where it changes
     * from nearly every packet to the next (a real office's may not, for hours), for twice its longest run before.
     * {@code changes}: how often it changed, not learned inside a run of repeats, so a stuck sensor does not lower
     * the very rate that lets it be seen.
     */
    private static Finding frozen(Finding best, String sensor, Double x, State s, int run, int longest,
            double changes) {
        if (x == null || s.telemetry < FROZEN_AFTER || changes < 0.9) {
            return best;
        }
        double at = Math.max(12, 2.0 * longest);
        return stronger(best, "stuck", run / at, () -> String.format(Locale.ROOT,
                "the same %s %d packets in a row on a device whose %s changes from %.0f %% of its packets to the next",
                sensor, run, sensor, 100 * changes));
    }

    private static Finding level(Finding best, String name, double x, Level level, double floor, String unit) {
        double d = x - level.slow;
        return stronger(best, "level", Math.abs(d) / level.scale(floor), () -> String.format(Locale.ROOT,
                "%s %.2f %s, %+.2f from the device's 10-min baseline %.2f", name, x, unit, d, level.slow));
    }

    private interface Detail {
        String get();
    }

    private static Finding stronger(Finding best, String check, double r, Detail detail) {
        double c = confidence(r);
        return c > best.confidence() ? new Finding(check, c, detail.get()) : best;
    }

    /** The drain (%/h, positive draining) of an exponentially weighted regression over the last minutes. */
    private static double batteryDrain(State s, Features.Observation o) {
        if (s.bw < 10) {
            return 0;
        }
        double det = s.bw * s.btt - s.bt * s.bt;
        if (det <= 1e-9) {
            return 0;
        }
        double slopePerSecond = (s.bw * s.btb - s.bt * s.bb) / det;
        return -slopePerSecond * 3_600;
    }

    private static void learn(Features.Observation o, State s, Double t, Double h, Double l, double dt, double step,
            boolean first, boolean late, int run, int temperatureRun, boolean high, long highSince, int highPackets,
            double drain, int beats, double skew, double skewShift, double skewOff, double mimicry, boolean flagged) {
        double slow = alpha(dt, SLOW_S);
        double fast = alpha(dt, FAST_S);
        if (t != null) {
            s.longestIdenticalRun = longest(s.identicalRun, run, s.longestIdenticalRun);
            s.identicalRun = run;
            s.longestTemperatureRun = longest(s.temperatureRun, temperatureRun, s.longestTemperatureRun);
            s.temperatureRun = temperatureRun;
            // How often the temperature changes from one packet to the next; not learned inside a run of repeats,
            // so a stuck sensor does not lower the very rate that lets it be seen.
            if (!Double.isNaN(s.temperature.last) && temperatureRun <= 2) {
                s.temperatureChanges += changeRate(s) * ((t == s.temperature.last ? 0 : 1) - s.temperatureChanges);
            }
            s.temperature.learn(t, TEMPERATURE_FLOOR, slow, fast);
            s.lastLight = l != null ? l : s.lastLight;
            s.telemetry++;
        }
        if (h != null) {
            s.humidity.learn(h, HUMIDITY_FLOOR, slow, fast);
        }
        if (first) {
            s.cpuSlow = o.cpuUsage();
        } else if (!high) {
            // Noise from one packet to the next (half the squared jump), so a slow rise does not widen its own limit.
            double jump = o.cpuUsage() - s.lastCpu;
            s.cpuSlow += slow * clip(o.cpuUsage() - s.cpuSlow, 15);
            s.cpuNoise += fast * (Math.min(jump * jump, 400) / 2 - s.cpuNoise);
        }
        s.lastCpu = o.cpuUsage();
        s.cpuHighSince = highSince;
        s.cpuHighPackets = highPackets;
        if (!late) {
            if (s.packets == 0) {
                s.batteryOrigin = o.timestamp();
            }
            double decay = Math.exp(-Math.max(0, dt) / BATTERY_S);
            double x = (o.timestamp() - s.batteryOrigin) / 1000.0;
            boolean charging = !Double.isNaN(s.lastBattery) && o.batteryLevel() > s.lastBattery + 0.05;
            if (charging) {
                s.bw = 0;
                s.bt = 0;
                s.bb = 0;
                s.btt = 0;
                s.btb = 0;
            }
            s.bw = s.bw * decay + 1;
            s.bt = s.bt * decay + x;
            s.bb = s.bb * decay + o.batteryLevel();
            s.btt = s.btt * decay + x * x;
            s.btb = s.btb * decay + x * o.batteryLevel();
            s.lastBattery = o.batteryLevel();
            double age = (o.timestamp() - s.firstTimestamp) / 1000.0;
            // The usual drain: learned quickly over the first ten minutes, then slowly, and not while a check speaks.
            if (!charging && !flagged && s.bw >= 10 && age >= 120 && drain >= 0) {
                double tau = age < 600 ? 120 : USUAL_DRAIN_S;
                s.usualDrain = Double.isNaN(s.usualDrain) ? drain : s.usualDrain + alpha(dt, tau) * (drain - s.usualDrain);
            }
        }
        s.heartbeatRun = beats;
        if (o.heartbeat()) {
            s.heartbeats++;
        }
        if (Double.isNaN(s.usualSkew)) {
            s.usualSkew = skew;
        } else if (Math.abs(skewOff) < 30) {
            // The device's own offset, net of the fleet's shift: a backlog is not this device's clock.
            s.usualSkew += Math.max(alpha(dt, SLOW_S), 0.05) * (skew - skewShift - s.usualSkew);
        }
        if (step > 0) {
            s.usualDt = Double.isNaN(s.usualDt) ? step : s.usualDt + 0.02 * (Math.max(0.5 * s.usualDt,
                    Math.min(2 * s.usualDt, step)) - s.usualDt);
        }
        s.lastSequence = Math.max(s.lastSequence, o.sequenceNo());
        s.mimicry = mimicry;
        if (first) {
            s.firstTimestamp = o.timestamp();
        }
        if (!late) {
            s.lastTimestamp = o.timestamp();
        }
        s.packets++;
    }

    /**
     * The longest run of repeats this device has shown, learned when a run ends: one long enough to be flagged as stuck
     * is not learned, so a sensor stuck twice is found twice.
     */
    private static int longest(int endedRun, int newRun, int longest) {
        return newRun == 1 && endedRun > longest && endedRun < Math.max(12, 2.0 * longest) ? endedRun : longest;
    }

    private static double median(double[] values, int n) {
        if (n == 0) {
            return 0;
        }
        double[] v = java.util.Arrays.copyOf(values, n);
        java.util.Arrays.sort(v);
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double clip(double d, double limit) {
        return Math.max(-limit, Math.min(limit, d));
    }
}
