package io.vigil.ml;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One Random Cut Forest per device ({@link DeviceForest}: Amazon's forest on the device's own normalized readings,
 * graded against the device's own scores), learning that device's own normal from its first packets: it gives
 * grades after {@link #WARM_UP} packets, so a new device is covered within its first hour at any rate above one
 * packet a minute. At most {@code maxDevices} forests are kept in memory (least recently used leave, their last
 * snapshot stays in the database). Forests are saved as gzipped JSON state; a state of another version (the
 * thresholded forests of before) is not read, and that device's forest starts afresh.
 */
public final class StreamingModels {

    /** The seed of the per-device forests' sampling (the offline models are trained with the same one). */
    public static final long SEED = 20_261_122L;

    /** The name verdicts give the device forests. */
    public static final String ID = "rcf-device";

    /** Packets a device's forest sees before it grades. */
    public static final int WARM_UP = 48;
    /** The features the forests see (the heartbeat flag is left out: it is a schedule, not a behaviour). */
    static final int[] INPUT = {0, 1, 4, 5, 6, 7, 9, 10, 11};

    public record Grade(double grade, double score, boolean ready) {
        /** Confidence that the packet is anomalous, 0-1: 0.5 + grade / 2 when the forest raises it, else 0. */
        public double confidence() {
            return ready && grade > 0 ? 0.5 + grade / 2 : 0;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StreamingModels.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final int maxDevices;
    private final int trees;
    private final int sampleSize;
    private final long seed;
    private final LinkedHashMap<String, DeviceForest> forests;
    private final Set<String> dirty = new HashSet<>();
    private boolean toldOlderVersion;
    private long lastTake;

    public StreamingModels(int maxDevices, int trees, int sampleSize, long seed) {
        this.maxDevices = maxDevices;
        this.trees = trees;
        this.sampleSize = sampleSize;
        this.seed = seed;
        this.forests = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Grades one packet of a device (features in {@link Features#NAMES} order) and learns from it. */
    public synchronized Grade process(String deviceId, double[] features, long timestamp,
            java.util.function.Function<String, byte[]> stored) {
        DeviceForest forest = forests.get(deviceId);
        if (forest == null) {
            byte[] state = stored == null ? null : stored.apply(deviceId);
            forest = state != null ? restore(state) : null;
            if (state != null && forest == null && !toldOlderVersion) {
                toldOlderVersion = true;
                LOG.info("device {}'s saved forest is of an older version and is not read: it and any other such"
                        + " device start afresh and grade again after {} packets", deviceId, WARM_UP);
            }
            forest = forest != null ? forest : create(deviceId);
            forests.put(deviceId, forest);
            if (forests.size() > maxDevices) {
                String eldest = forests.keySet().iterator().next();
                forests.remove(eldest);
                dirty.remove(eldest);
            }
        }
        double[] point = new double[INPUT.length];
        for (int i = 0; i < INPUT.length; i++) {
            double v = features[INPUT[i]];
            point[i] = INPUT[i] == 6 ? Math.log1p(Math.max(0, v)) : v;
        }
        boolean ready = forest.seen >= WARM_UP;
        double[] d = forest.process(point);
        dirty.add(deviceId);
        return new Grade(ready ? d[0] : 0, d[1], ready);
    }

    private DeviceForest create(String deviceId) {
        return DeviceForest.create(INPUT.length, trees, sampleSize, seed ^ deviceId.hashCode());
    }

    /** Gzipped JSON state of every forest changed since the last call, and forgets that they changed. */
    public Map<String, byte[]> changed() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String id : takeChanged()) {
            DeviceForest.State state = snapshot(id);
            if (state != null) {
                out.put(id, gzip(state));
            }
        }
        return out;
    }

    /** The devices whose forests changed since the last call; forgets that they changed. */
    public synchronized List<String> takeChanged() {
        List<String> ids = new ArrayList<>(dirty);
        dirty.clear();
        return ids;
    }

    /**
     * The changed devices whose turn to be saved came since the last call, forgetting that they changed: each device
     * has a moment of its own in every {@code periodMs} (from its id's hash), so a fleet's saves are spread over the
     * period instead of all arriving at one tick (1,000 forests at once took about 2 s of CPU, a stall at 1,000 msg/s).
     * A call {@code periodMs} or more after the last one takes every changed device.
     */
    public synchronized List<String> takeDue(long now, long periodMs) {
        long period = Math.max(1, periodMs); // 0: every changed device at every tick
        boolean all = now - lastTake >= period;
        long from = Math.floorMod(lastTake, period);
        long to = Math.floorMod(now, period);
        List<String> due = new ArrayList<>();
        for (java.util.Iterator<String> it = dirty.iterator(); it.hasNext();) {
            String id = it.next();
            long moment = Math.floorMod(id.hashCode() * 0x9E3779B97F4A7C15L, period);
            boolean come = from <= to ? moment > from && moment <= to : moment > from || moment <= to;
            if (all || come) {
                due.add(id);
                it.remove();
            }
        }
        lastTake = now;
        return due;
    }

    /**
     * A copy of one device's forest state (null if it left memory), taken under the lock: serializing and compressing
     * it happen outside, so a save of 1,000 forests no longer stops scoring for as long as it takes (issue 15).
     */
    public synchronized DeviceForest.State snapshot(String deviceId) {
        DeviceForest forest = forests.get(deviceId);
        return forest == null ? null : forest.state();
    }

    public synchronized int size() {
        return forests.size();
    }

    /** The gzipped JSON form of a forest's state, as stored in {@code ml_device_state}. */
    public static byte[] gzip(DeviceForest.State state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            JSON.writeValue(gz, state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The forest a stored state holds; null for a state of another version, which is not read. */
    static DeviceForest restore(byte[] stored) {
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            return DeviceForest.of(JSON.readValue(gz, DeviceForest.State.class));
        } catch (IOException e) {
            throw new UncheckedIOException("a stored streaming model cannot be read", e);
        }
    }
}
