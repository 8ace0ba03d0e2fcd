package io.vigil.ml.train;

import io.vigil.ml.Features;
import io.vigil.ml.StreamingModels;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterministic training run the build makes: the same seed, data and code give the same ONNX bytes.
 * Isolation Forest on the normal packets of a simulated day; Random Forest on the same day with its labelled
 * attacks plus LWSNDR motes 1-3. Writes both models and {@code models.json} (file, sha256, features, seed,
 * training-data digest, thresholds).
 */
public final class Training {

    public static final int VERSION = 1;
    public static final long SEED = StreamingModels.SEED;
    /**
     * Simulated fleets at three reporting periods, heartbeat every 10th packet, ~1 ML attack per 150 device ticks:
     * a day of 24 devices every 30 s, four hours of 8 devices every 5 s, an hour of 8 devices every second.
     */
    public static final List<Scenarios.Spec> TRAINING = List.of(
            new Scenarios.Spec(SEED, 24, 2_880, 30_000, 10, 1.0 / 150, Scenarios.ML_ATTACKS),
            new Scenarios.Spec(SEED + 1, 8, 2_880, 5_000, 10, 1.0 / 150, Scenarios.ML_ATTACKS),
            new Scenarios.Spec(SEED + 2, 8, 3_600, 1_000, 10, 1.0 / 150, Scenarios.ML_ATTACKS));
    public static final List<Integer> LWSNDR_TRAINING_MOTES = List.of(1, 2, 3);
    /** The Isolation Forest's anomaly threshold: this quantile of its scores on normal training packets. */
    public static final double IF_QUANTILE = 0.999;
    /**
     * The Isolation Forest looks at behaviour, not at the day's profile: the values that attacks move and the
     * packet's deviations from its device's past (light, humidity, motion, battery level and the heartbeat flag
     * vary widely in normal traffic and would only dilute its random splits).
     */
    static final int[] IF_COLUMNS = columns("cpu_usage", "inter_arrival_ratio", "sequence_gap",
            "battery_drain_per_min", "temperature_dev", "cpu_dev");
    /**
     * What the Random Forest may not look at: a room's climate, its light and motion, and the battery's charge are
     * where a device is, not how it behaves, and a forest that learns the training rooms calls every other room an
     * attack (a humid room was most false positives of a held-out trial). Those columns are constant in its training
     * rows, so it never splits on them; readings against the device's own past stay.
     */
    static final int[] RF_IGNORED = columns("temperature", "humidity", "light", "motion", "battery_level");

    private static int[] columns(String... names) {
        return java.util.Arrays.stream(names).mapToInt(n -> {
            int i = Features.NAMES.indexOf(n);
            if (i < 0) {
                throw new IllegalArgumentException(n);
            }
            return i;
        }).toArray();
    }

    private Training() {
    }

    public record Result(IsolationForest isolationForest, double ifThreshold, RandomForest randomForest,
            Map<String, byte[]> files) {
    }

    public static Result run(Path lwsndr) {
        List<Scenarios.Row> day = new ArrayList<>();
        for (Scenarios.Spec spec : TRAINING) {
            day.addAll(Scenarios.generate(spec));
        }
        List<double[]> normal = new ArrayList<>();
        for (Scenarios.Row r : day) {
            if (!r.anomalous()) {
                normal.add(r.features());
            }
        }
        double[][] normalRows = normal.toArray(double[][]::new);
        IsolationForest iforest = IsolationForest.train(normalRows, IF_COLUMNS, 100, 256, SEED);
        double[] scores = Arrays.stream(normalRows).mapToDouble(iforest::score).sorted().toArray();
        double threshold = scores[(int) Math.min(scores.length - 1, Math.ceil(IF_QUANTILE * scores.length))];

        List<Scenarios.Row> labelled = new ArrayList<>(day);
        labelled.addAll(Scenarios.lwsndr(lwsndr, LWSNDR_TRAINING_MOTES, SEED));
        double[][] x = labelled.stream().map(r -> {
            double[] row = r.features().clone();
            for (int c : RF_IGNORED) {
                row[c] = 0;
            }
            return row;
        }).toArray(double[][]::new);
        int[] y = labelled.stream().mapToInt(r -> r.anomalous() ? 1 : 0).toArray();
        RandomForest rforest = RandomForest.train(x, y, 50, 14, 2, 25_000, SEED);

        String ifDigest = digest(normalRows, null);
        String rfDigest = digest(x, y);
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] ifBytes = OnnxExport.isolationForest(iforest, Features.NAMES, metadata("isolation-forest", ifDigest,
                Map.of("threshold", Double.toString(threshold), "sample_size", "256", "trees", "100",
                "columns", java.util.Arrays.toString(IF_COLUMNS))));
        byte[] rfBytes = OnnxExport.randomForest(rforest, Features.NAMES, metadata("random-forest", rfDigest,
                Map.of("trees", "50", "max_depth", "14", "min_leaf", "2", "max_samples", "25000")));
        files.put("isolation-forest.onnx", ifBytes);
        files.put("random-forest.onnx", rfBytes);

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("version", VERSION);
        manifest.put("features", Features.NAMES);
        List<Map<String, Object>> models = new ArrayList<>();
        models.add(entry("isolation-forest", "isolation-forest.onnx", ifBytes, ifDigest, normalRows.length, threshold));
        models.add(entry("random-forest", "random-forest.onnx", rfBytes, rfDigest, x.length, 0.5));
        manifest.put("models", models);
        try {
            files.put("models.json", new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(manifest));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Result(iforest, threshold, rforest, files);
    }

    private static Map<String, Object> entry(String name, String file, byte[] bytes, String trainingDigest, int rows,
            double threshold) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("version", VERSION);
        m.put("file", file);
        m.put("sha256", sha256(bytes));
        m.put("seed", SEED);
        m.put("training_rows", rows);
        m.put("training_sha256", trainingDigest);
        m.put("threshold", threshold);
        return m;
    }

    private static Map<String, String> metadata(String name, String trainingDigest, Map<String, String> more) {
        Map<String, String> m = new LinkedHashMap<>(more);
        m.put("name", name);
        m.put("version", Integer.toString(VERSION));
        m.put("features", String.join(",", Features.NAMES));
        m.put("seed", Long.toString(SEED));
        m.put("training_sha256", trainingDigest);
        return m;
    }

    /** SHA-256 over the training rows (and labels) as big-endian doubles. */
    static String digest(double[][] rows, int[] labels) {
        MessageDigest md = sha();
        ByteBuffer b = ByteBuffer.allocate(8 * (rows[0].length + 1));
        for (int i = 0; i < rows.length; i++) {
            b.clear();
            for (double v : rows[i]) {
                b.putDouble(v);
            }
            b.putDouble(labels == null ? 0 : labels[i]);
            md.update(b.array(), 0, b.position());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha().digest(bytes));
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code java io.vigil.ml.train.Training <out dir> <lwsndr csv>}: the build's model step. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Training <out dir> <lwsndr csv>");
        }
        long started = System.nanoTime();
        Result result = run(Path.of(args[1]));
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (Map.Entry<String, byte[]> f : result.files().entrySet()) {
            Files.write(out.resolve(f.getKey()), f.getValue());
        }
        System.out.printf("vigil models trained in %.1f s into %s (isolation forest threshold %.4f)%n",
                (System.nanoTime() - started) / 1e9, out, result.ifThreshold());
    }

}
