package io.vigil.processors;

import io.vigil.model.Packet;
import io.vigil.model.RateLimitExceededException;
import io.vigil.model.SanityCheckException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sanity stage: device clock within the allowed skew, sensor values physically plausible, and each
 * device within its packet rate (a one-second sliding window per device, kept per gateway).
 */
public class SanityChecker {

    private final long maxSkewMs;
    private final int maxRatePerSecond;
    private final double temperatureMin;
    private final double temperatureMax;
    private final double lightMax;
    private final Map<String, RateWindow> rates = new ConcurrentHashMap<>();

    public SanityChecker(long maxSkewMs, int maxRatePerSecond, double temperatureMin, double temperatureMax,
            double lightMax) {
        this.maxSkewMs = maxSkewMs;
        this.maxRatePerSecond = maxRatePerSecond;
        this.temperatureMin = temperatureMin;
        this.temperatureMax = temperatureMax;
        this.lightMax = lightMax;
    }

    /** The same checks with another clock-skew allowance (the server's, which adds the gateway's batching time). */
    public SanityChecker withMaxSkew(long skewMs) {
        return new SanityChecker(skewMs, maxRatePerSecond, temperatureMin, temperatureMax, lightMax);
    }

    /** A duration for people: "42.5 s", or "3,600 s (1 h 0 min)" from a minute on. */
    static String seconds(long ms) {
        String s = ms < 60_000 ? String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0)
                : String.format(java.util.Locale.ROOT, "%,d s", ms / 1000);
        if (ms >= 3_600_000) {
            s += " (" + ms / 3_600_000 + " h " + ms % 3_600_000 / 60_000 + " min)";
        } else if (ms >= 60_000) {
            s += " (" + ms / 60_000 + " min " + ms % 60_000 / 1000 + " s)";
        }
        return s;
    }

    /** Clock skew and value ranges; throws {@link SanityCheckException} naming the value. */
    public Packet check(Packet packet, long now) {
        long skew = packet.timestamp() - now;
        if (Math.abs(skew) > maxSkewMs) {
            throw new SanityCheckException(packet.deviceId(), packet.sequenceNo(),
                    "clock skew: the device clock is " + seconds(Math.abs(skew)) + (skew > 0 ? " ahead" : " behind")
                            + ", more than the " + seconds(maxSkewMs) + " allowed");
        }
        for (Map.Entry<String, Double> sensor : packet.sensors().entrySet()) {
            double value = sensor.getValue();
            String problem = switch (sensor.getKey()) {
                case "temperature" -> value < temperatureMin || value > temperatureMax
                        ? "temperature " + value + " outside " + temperatureMin + ".." + temperatureMax + " C" : null;
                case "humidity" -> value < 0 || value > 100 ? "humidity " + value + " outside 0..100 %RH" : null;
                case "light" -> value < 0 || value > lightMax ? "light " + value + " outside 0.." + lightMax + " lux" : null;
                default -> Double.isFinite(value) ? null : sensor.getKey() + " is not finite";
            };
            if (problem != null) {
                throw new SanityCheckException(packet.deviceId(), packet.sequenceNo(), problem);
            }
        }
        return packet;
    }

    /**
     * Per-device rate in the device's own signed time: at most {@code maxRatePerSecond} packets in any one-second
     * span of timestamps. Measured on device time, a backlog the broker delivers late after an outage is not
     * mistaken for a flood; the skew check bounds timestamps to server time, so the long-run rate is still held.
     * A sequence number already counted (a redelivery) does not spend budget twice. Call after authentication,
     * so nobody can spend another device's budget.
     */
    public Packet checkRate(Packet packet) {
        RateWindow window = rates.computeIfAbsent(packet.deviceId(), id -> new RateWindow(maxRatePerSecond * 4));
        if (!window.admit(packet.sequenceNo(), packet.timestamp(), maxRatePerSecond)) {
            throw new RateLimitExceededException(packet.deviceId(), packet.sequenceNo(),
                    "more than " + maxRatePerSecond + " packets within one second of device time");
        }
        return packet;
    }

    /** Timestamps of a device's recently admitted packets, by sequence number, oldest evicted first. */
    private static final class RateWindow {
        private final int capacity;
        private final java.util.LinkedHashMap<Long, Long> admitted = new java.util.LinkedHashMap<>();

        RateWindow(int capacity) {
            this.capacity = capacity;
        }

        synchronized boolean admit(long sequence, long timestamp, int limit) {
            if (admitted.containsKey(sequence)) {
                return true;
            }
            // Every one-second span [s, s + 1000) that holds this timestamp must stay within the limit, whatever
            // order the packets come in (parallel workers, redelivery): check the spans starting at each admitted
            // timestamp up to a second before this one, and at this one.
            java.util.List<Long> near = new java.util.ArrayList<>();
            for (long t : admitted.values()) {
                if (t > timestamp - 1000 && t < timestamp + 1000) {
                    near.add(t);
                }
            }
            if (near.size() >= limit) {
                java.util.List<Long> starts = new java.util.ArrayList<>();
                starts.add(timestamp);
                for (long t : near) {
                    if (t <= timestamp) {
                        starts.add(t);
                    }
                }
                for (long start : starts) {
                    int inSpan = 0;
                    for (long t : near) {
                        if (t >= start && t < start + 1000) {
                            inSpan++;
                        }
                    }
                    if (inSpan >= limit) {
                        return false;
                    }
                }
            }
            admitted.put(sequence, timestamp);
            if (admitted.size() > capacity) {
                admitted.remove(admitted.keySet().iterator().next());
            }
            return true;
        }
    }
}
