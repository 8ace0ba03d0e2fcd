package io.vigil.ml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's recent readings, to see a device copying another's: each device's last few (temperature, humidity,
 * light) readings, indexed by temperature. A reading equal, to the sensors' 0.01 resolution, to another device's
 * earlier one within five minutes is a copy; the later of the two is the copier (it may be scored before the
 * original when both are in one group: it is then charged on its next packet). Later means on a common clock: each
 * device's timestamp plus its usual skew, as devices' clocks differ by seconds. Not persisted: after a restart the
 * index fills again within minutes.
 */
final class FleetReadings {

    private static final int KEEP = 4;
    private static final double SAME = 0.011;
    private static final long WITHIN_MS = 300_000;

    private record Reading(String deviceId, double t, double h, double l, long at) {
    }

    private final Map<Long, List<Reading>> byTemperature = new HashMap<>();
    private final Map<String, Deque<Reading>> recent = new HashMap<>();
    private final Map<String, Integer> chargedLater = new HashMap<>();

    /** 1 when this packet's readings copy another device's, else 0; then remembers them. */
    double copied(Features.Observation o, double usualSkewSeconds) {
        Double t = o.sensors().get("temperature");
        Double h = o.sensors().get("humidity");
        Double l = o.sensors().get("light");
        if (t == null || h == null || l == null) {
            return chargedLater.remove(o.deviceId()) != null ? 1 : 0;
        }
        long bucket = Math.round(t * 10);
        long at = o.timestamp() + (Double.isNaN(usualSkewSeconds) ? 0 : (long) (usualSkewSeconds * 1000));
        double copied = chargedLater.remove(o.deviceId()) != null ? 1 : 0;
        for (long b = bucket - 1; b <= bucket + 1; b++) {
            for (Reading r : byTemperature.getOrDefault(b, List.of())) {
                if (!r.deviceId().equals(o.deviceId()) && Math.abs(r.t() - t) <= SAME && Math.abs(r.h() - h) <= SAME
                        && Math.abs(r.l() - l) <= SAME && Math.abs(r.at() - at) <= WITHIN_MS) {
                    if (at > r.at()) {
                        copied = 1;
                    } else {
                        chargedLater.put(r.deviceId(), 1);
                    }
                }
            }
        }
        Reading reading = new Reading(o.deviceId(), t, h, l, at);
        Deque<Reading> mine = recent.computeIfAbsent(o.deviceId(), k -> new ArrayDeque<>());
        mine.addLast(reading);
        byTemperature.computeIfAbsent(bucket, k -> new ArrayList<>()).add(reading);
        if (mine.size() > KEEP) {
            Reading old = mine.removeFirst();
            List<Reading> list = byTemperature.get(Math.round(old.t() * 10));
            list.remove(old);
            if (list.isEmpty()) {
                byTemperature.remove(Math.round(old.t() * 10));
            }
        }
        return copied;
    }
}
