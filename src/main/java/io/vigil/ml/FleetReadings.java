package io.vigil.ml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's recent readings, to see a device copying another's: each device's last few (temperature, humidity,
 * light) readings, indexed by temperature and humidity to the sensors' 0.01 resolution (a cell and its eight
 * neighbours are looked at, so a packet costs the same in a fleet of rooms at one temperature). A reading equal, to the sensors' 0.01 resolution, to another device's
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

    private final Map<Long, List<Reading>> byCell = new HashMap<>();
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
        long tCell = Math.round(t * 100);
        long hCell = Math.round(h * 100);
        long at = o.timestamp() + (Double.isNaN(usualSkewSeconds) ? 0 : (long) (usualSkewSeconds * 1000));
        double copied = chargedLater.remove(o.deviceId()) != null ? 1 : 0;
        for (long dt = -1; dt <= 1; dt++) {
            for (long dh = -1; dh <= 1; dh++) {
                if (copies(byCell.get(cell(tCell + dt, hCell + dh)), o.deviceId(), t, h, l, at)) {
                    copied = 1;
                }
            }
        }
        Reading reading = new Reading(o.deviceId(), t, h, l, at);
        Deque<Reading> mine = recent.computeIfAbsent(o.deviceId(), k -> new ArrayDeque<>());
        mine.addLast(reading);
        byCell.computeIfAbsent(cell(tCell, hCell), k -> new ArrayList<>(2)).add(reading);
        if (mine.size() > KEEP) {
            Reading old = mine.removeFirst();
            long key = cell(Math.round(old.t() * 100), Math.round(old.h() * 100));
            List<Reading> list = byCell.get(key);
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == old) {
                    list.remove(i);
                    break;
                }
            }
            if (list.isEmpty()) {
                byCell.remove(key);
            }
        }
        return copied;
    }

    /** Whether a reading of {@code cell} copies this one earlier; an earlier copier of it is charged later. */
    private boolean copies(List<Reading> cell, String deviceId, double t, double h, double l, long at) {
        boolean copied = false;
        for (int i = 0; cell != null && i < cell.size(); i++) {
            Reading r = cell.get(i);
            if (!r.deviceId().equals(deviceId) && Math.abs(r.t() - t) <= SAME && Math.abs(r.h() - h) <= SAME
                    && Math.abs(r.l() - l) <= SAME && Math.abs(r.at() - at) <= WITHIN_MS) {
                if (at > r.at()) {
                    copied = true;
                } else {
                    chargedLater.put(r.deviceId(), 1);
                }
            }
        }
        return copied;
    }

    /**
     * One key per (temperature, humidity) cell. Multiplying by an odd constant is one-to-one on longs and spreads
     * the bits: {@code Long.hashCode} folds the halves by xor, so the plain key collided along diagonals (a tenth
     * of the stage's lookups were long bucket walks).
     */
    private static long cell(long tCell, long hCell) {
        return ((tCell << 32) ^ (hCell & 0xffffffffL)) * 0x9E3779B97F4A7C15L;
    }
}
