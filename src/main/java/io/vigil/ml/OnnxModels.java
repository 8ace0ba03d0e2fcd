package io.vigil.ml;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pretrained models as the server runs them: ONNX files from the jar (checked against the sha256 in
 * {@code models.json}), loaded by Deep Java Library's ONNX Runtime engine, offline, and run on whole batches.
 */
public final class OnnxModels implements AutoCloseable {

    /** A model as the manifest describes it; {@code id} (name, version, hash prefix) goes with every verdict. */
    public record Info(String name, int version, String file, String sha256, double threshold) {
        public String id() {
            return name + "-v" + version + "@" + sha256.substring(0, 12);
        }
    }

    static {
        // DJL must not look for engines or models on the network, nor report usage.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.default_engine", "OnnxRuntime");
    }

    /**
     * Every ONNX Runtime call runs on these threads: ORT 1.29 overflows a thread stack below ~6 MB while it
     * creates its environment (a segfault, no Java error; the JVM's default is 1 MB), so they get 16 MB.
     */
    private static final java.util.concurrent.ExecutorService ORT = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), new java.util.concurrent.ThreadFactory() {
                private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(null, r, "vigil-onnx-" + n.incrementAndGet(), 16L << 20);
                    t.setDaemon(true);
                    return t;
                }
            });

    private static <T> T onOrtThread(java.util.concurrent.Callable<T> call) {
        try {
            return ORT.submit(call).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the models ran", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private final Map<String, Info> infos;
    private final List<String> features;
    private final ZooModel<NDList, NDList> randomForest;
    private final ZooModel<NDList, NDList> isolationForest;

    private OnnxModels(Map<String, Info> infos, List<String> features, ZooModel<NDList, NDList> randomForest,
            ZooModel<NDList, NDList> isolationForest) {
        this.infos = infos;
        this.features = features;
        this.randomForest = randomForest;
        this.isolationForest = isolationForest;
    }

    /** Loads the models the build put on the classpath under {@code models/}. */
    public static OnnxModels fromClasspath() {
        try {
            Path dir = Files.createTempDirectory("vigil-models-");
            dir.toFile().deleteOnExit();
            for (String name : List.of("models.json", "isolation-forest.onnx", "random-forest.onnx")) {
                try (InputStream in = OnnxModels.class.getResourceAsStream("/models/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("model file models/" + name + " is not on the classpath;"
                                + " the build trains the models (mvn package)");
                    }
                    Path target = dir.resolve(name);
                    Files.copy(in, target);
                    target.toFile().deleteOnExit();
                }
            }
            return load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the models", e);
        }
    }

    /** Loads {@code models.json} and its two ONNX files from a directory, refusing any whose sha256 differs. */
    public static OnnxModels load(Path dir) {
        try {
            JsonNode manifest = new ObjectMapper().readTree(dir.resolve("models.json").toFile());
            List<String> features = new ArrayList<>();
            manifest.path("features").forEach(f -> features.add(f.asText()));
            if (!features.equals(Features.NAMES)) {
                throw new IllegalStateException("the models were trained on features " + features + ", this server"
                        + " extracts " + Features.NAMES);
            }
            Map<String, Info> infos = new LinkedHashMap<>();
            for (JsonNode m : manifest.path("models")) {
                Info info = new Info(m.path("name").asText(), m.path("version").asInt(), m.path("file").asText(),
                        m.path("sha256").asText(), m.path("threshold").asDouble());
                String actual = java.util.HexFormat.of().formatHex(io.vigil.crypto.Ed25519.sha256(
                        Files.readAllBytes(dir.resolve(info.file()))));
                if (!actual.equals(info.sha256())) {
                    throw new IllegalStateException("model " + info.file() + " has sha256 " + actual + ", the manifest"
                            + " says " + info.sha256());
                }
                infos.put(info.name(), info);
            }
            return onOrtThread(() -> new OnnxModels(infos, features, open(dir, infos.get("random-forest")),
                    open(dir, infos.get("isolation-forest"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the models from " + dir, e);
        }
    }

    private static ZooModel<NDList, NDList> open(Path dir, Info info) {
        if (info == null) {
            throw new IllegalStateException("models.json lacks a model");
        }
        try {
            return Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(dir.resolve(info.file()))
                    .optEngine("OnnxRuntime")
                    .optDevice(Device.cpu())
                    .optTranslator(new NoopTranslator())
                    // One thread per run, the caller's: ORT's own intra-op pool spins while it waits for work, and
                    // on two cores that spinning took a fifth of the CPU under load (issue 15). A forest over a
                    // batch of rows is no faster on more threads here.
                    .optOption("interOpNumThreads", "1")
                    .optOption("intraOpNumThreads", "1")
                    .build().loadModel();
        } catch (Exception e) {
            throw new IllegalStateException("ONNX Runtime cannot load " + info.file() + ": " + e.getMessage(), e);
        }
    }

    public Info info(String name) {
        return infos.get(name);
    }

    public List<String> features() {
        return features;
    }

    /** P(anomalous) of each row, from the Random Forest's probabilities output (column 1). */
    public float[] randomForest(double[][] rows) {
        float[] probabilities = run(randomForest, rows, 1);
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = probabilities[2 * i + 1];
        }
        return out;
    }

    /** The Isolation Forest's score of each row, in (0, 1]. */
    public float[] isolationForest(double[][] rows) {
        return run(isolationForest, rows, 0);
    }

    private static float[] run(ZooModel<NDList, NDList> model, double[][] rows, int output) {
        if (rows.length == 0) {
            return new float[0];
        }
        return onOrtThread(() -> runHere(model, rows, output));
    }

    private static float[] runHere(ZooModel<NDList, NDList> model, double[][] rows, int output) {
        try (NDManager manager = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDArray x = manager.create(rows);
            NDList out = predictor.predict(new NDList(x));
            return out.get(output).toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        randomForest.close();
        isolationForest.close();
    }
}
