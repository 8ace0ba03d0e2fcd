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

    /** Clock skew and value ranges; throws {@link SanityCheckException} naming the value. */
    public Packet check(Packet packet, long now) {
        long skew = packet.timestamp() - now;
        if (Math.abs(skew) > maxSkewMs) {
            throw new SanityCheckException(packet.deviceId(), packet.sequenceNo(),
                    "clock skew " + skew + " ms exceeds " + maxSkewMs + " ms");
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

    /** Per-device rate; call after authentication so nobody can exhaust another device's budget. */
    public Packet checkRate(Packet packet, long now) {
        RateWindow window = rates.computeIfAbsent(packet.deviceId(), id -> new RateWindow(maxRatePerSecond));
        if (!window.admit(now)) {
            throw new RateLimitExceededException(packet.deviceId(), packet.sequenceNo(),
                    "more than " + maxRatePerSecond + " packets/s");
        }
        return packet;
    }

    /** Timestamps of the last n admitted packets in a ring; admit when the oldest is over a second old. */
    private static final class RateWindow {
        private final long[] admitted;
        private int next;

        RateWindow(int size) {
            admitted = new long[size];
            java.util.Arrays.fill(admitted, Long.MIN_VALUE);
        }

        synchronized boolean admit(long now) {
            if (admitted[next] != Long.MIN_VALUE && now - admitted[next] < 1000) {
                return false;
            }
            admitted[next] = now;
            next = (next + 1) % admitted.length;
            return true;
        }
    }
}
