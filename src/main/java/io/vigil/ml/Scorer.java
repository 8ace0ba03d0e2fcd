package io.vigil.ml;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The ML verdicts of a group of packets, the same for the server's {@code ml-enrich} stage and for offline
 * evaluation: each packet's features against its device's context (in sequence order per device), the Random Forest
 * and the Isolation Forest once for the group through ONNX Runtime, the device's Random Cut Forest per packet, and
 * the {@link Detector}'s combination. Keeps every device's context in memory; where one comes from at first (a
 * database, or nothing) is the caller's.
 */
public final class Scorer {

    /** A packet's verdict and the features it was given. */
    public record Scored(Detector.Verdict verdict, double[] features) {
    }

    private final OnnxModels models;
    private final StreamingModels streaming;
    private final Map<String, Features.DeviceContext> contexts = new HashMap<>();
    private final Function<String, Features.DeviceContext> initialContext;
    private final FleetReadings fleet = new FleetReadings();
    /** Peers on each side of a packet that the fleet's clock shift is taken from. */
    private static final int PEERS = 32;

    /** {@code initialContext}: a device's stored context on its first packet here (a fresh one when none). */
    public Scorer(OnnxModels models, StreamingModels streaming,
            Function<String, Features.DeviceContext> initialContext) {
        this.models = models;
        this.streaming = streaming;
        this.initialContext = initialContext;
    }

    public OnnxModels models() {
        return models;
    }

    public StreamingModels streaming() {
        return streaming;
    }

    /**
     * Verdicts in the order of {@code observations}; {@code storedForest} hands a device's saved forest to the
     * streaming models on its first packet (null: none).
     */
    public Scored[] score(Features.Observation[] observations, Function<String, byte[]> storedForest) {
        int n = observations.length;
        double[][] rows = new double[n][];
        StreamingModels.Grade[] grades = new StreamingModels.Grade[n];
        // Each device's packets in sequence order: the gateway's parallel workers may journal a burst out of order.
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparing((Integer i) -> observations[i].deviceId())
                .thenComparingLong(i -> observations[i].sequenceNo()));
        Behaviour.Finding[] findings = new Behaviour.Finding[n];
        synchronized (this) {
            double[] skewShift = fleetSkewShift(observations);
            for (int i : order) {
                Features.Observation o = observations[i];
                Features.DeviceContext ctx = contexts.computeIfAbsent(o.deviceId(), initialContext);
                findings[i] = Behaviour.assess(o, ctx.behaviour, skewShift[i], fleet.copied(o, ctx.behaviour.usualSkew));
                rows[i] = Features.extract(o, ctx);
                grades[i] = streaming.process(o.deviceId(), rows[i], o.timestamp(), storedForest);
            }
        }
        float[] rf = models.randomForest(rows);
        float[] iso = models.isolationForest(rows);
        OnnxModels.Info rfInfo = models.info("random-forest");
        OnnxModels.Info ifInfo = models.info("isolation-forest");
        Scored[] out = new Scored[n];
        for (int i = 0; i < n; i++) {
            out[i] = new Scored(Detector.combine(rf[i], rfInfo.id(), iso[i], ifInfo.threshold(), ifInfo.id(), grades[i],
                    StreamingModels.ID, findings[i]), rows[i]);
        }
        return out;
    }

    /**
     * How far the fleet's clock skew has moved from its usual, for each packet of the group: the median, over the
     * other devices' packets stamped within 15 s of it (the nearest 32 on each side), of (skew minus that device's
     * usual skew), when there are at least three; else over the whole group when it holds five devices or more; else 0. A gateway catching up on a
     * backlog delays every device alike (the older a packet, the later), while one device's clock going wrong moves
     * only its own.
     */
    private double[] fleetSkewShift(Features.Observation[] observations) {
        int n = observations.length;
        double[] residual = new double[n];
        java.util.Arrays.fill(residual, Double.NaN);
        java.util.Set<String> devices = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            Features.Observation o = observations[i];
            Features.DeviceContext ctx = contexts.get(o.deviceId());
            if (ctx != null && !Double.isNaN(ctx.behaviour.usualSkew)) {
                residual[i] = (o.referenceTime() - o.timestamp()) / 1000.0 - ctx.behaviour.usualSkew;
                devices.add(o.deviceId());
            }
        }
        double whole = devices.size() >= 5 ? median(java.util.stream.IntStream.range(0, n)
                .filter(i -> !Double.isNaN(residual[i])).mapToDouble(i -> residual[i]).toArray()) : 0;
        // Peers by timestamp: at most PEERS on each side of a packet within 15 s, so a batch of thousands costs
        // n log n, not n².
        Integer[] known = java.util.stream.IntStream.range(0, n).filter(i -> !Double.isNaN(residual[i])).boxed()
                .sorted(java.util.Comparator.comparingLong(i -> observations[i].timestamp())).toArray(Integer[]::new);
        long[] stamps = new long[known.length];
        for (int k = 0; k < known.length; k++) {
            stamps[k] = observations[known[k]].timestamp();
        }
        double[] shift = new double[n];
        double[] peers = new double[2 * PEERS];
        for (int i = 0; i < n; i++) {
            long t = observations[i].timestamp();
            String device = observations[i].deviceId();
            int at = java.util.Arrays.binarySearch(stamps, t);
            at = at < 0 ? -at - 1 : at;
            int count = 0;
            for (int k = at - 1, taken = 0; k >= 0 && taken < PEERS && t - stamps[k] <= 15_000; k--) {
                if (!observations[known[k]].deviceId().equals(device)) {
                    peers[count++] = residual[known[k]];
                    taken++;
                }
            }
            for (int k = at, taken = 0; k < known.length && taken < PEERS && stamps[k] - t <= 15_000; k++) {
                if (!observations[known[k]].deviceId().equals(device)) {
                    peers[count++] = residual[known[k]];
                    taken++;
                }
            }
            shift[i] = count >= 3 ? median(java.util.Arrays.copyOf(peers, count)) : whole;
        }
        return shift;
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A device's context as it stands (null when none of its packets was scored here). */
    public synchronized Features.DeviceContext context(String deviceId) {
        return contexts.get(deviceId);
    }
}
