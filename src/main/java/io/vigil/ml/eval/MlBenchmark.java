package io.vigil.ml.eval;

import io.vigil.ml.Features;
import io.vigil.ml.OnnxModels;
import io.vigil.ml.train.Scenarios;
import io.vigil.ml.StreamingModels;
import io.vigil.ml.train.Training;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code vigil ml-bench}: inference cost per row of each part of the ML stage, on packets of a simulated
 * fleet, after a warm-up; prints a table. Wall-clock medians of repeated rounds on this machine.
 */
public final class MlBenchmark {

    /** The defaults of vigil.ml.streaming.trees and .sample-size. */
    static final int TREES = Integer.getInteger("vigil.ml.streaming.trees", 5);
    static final int SAMPLE = Integer.getInteger("vigil.ml.streaming.sample-size", 16);

    private MlBenchmark() {
    }

    public static int main(List<String> args, PrintStream out) {
        int rounds = args.contains("--quick") ? 3 : 7;
        List<Scenarios.Row> rows = Scenarios.generate(new Scenarios.Spec(11, 20, 600, 1_000, 10, 1.0 / 100,
                Scenarios.ML_ATTACKS));
        double[][] x = rows.stream().map(Scenarios.Row::features).toArray(double[][]::new);
        out.printf(Locale.ROOT, "%d rows of %d features, %d rounds, %d cores, java %s%n", x.length, Features.COUNT,
                rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        out.printf("%-46s %12s%n", "part", "µs per row");
        try (OnnxModels models = OnnxModels.fromClasspath()) {
            for (int batch : new int[] {1, 100, 512}) {
                int n = batch == 1 ? 2_000 : x.length;
                out.printf(Locale.ROOT, "%-46s %12.2f%n", "random forest, ONNX Runtime, batch " + batch,
                        median(rounds, () -> runBatches(x, n, batch, models::randomForest)) / n);
                out.printf(Locale.ROOT, "%-46s %12.2f%n", "isolation forest, ONNX Runtime, batch " + batch,
                        median(rounds, () -> runBatches(x, n, batch, models::isolationForest)) / n);
            }
        }
        Training.Result trained = Training.run(java.nio.file.Path.of(args.stream().filter(a -> a.endsWith(".csv"))
                .findFirst().orElse("ml/data/lwsndr_single_hop.csv")));
        out.printf(Locale.ROOT, "%-46s %12.2f%n", "random forest, Java trees", median(rounds, () -> {
            double s = 0;
            for (double[] r : x) {
                s += trained.randomForest().probability(r);
            }
            return s;
        }) / x.length);
        out.printf(Locale.ROOT, "%-46s %12.2f%n", "isolation forest, Java trees", median(rounds, () -> {
            double s = 0;
            for (double[] r : x) {
                s += trained.isolationForest().score(r);
            }
            return s;
        }) / x.length);
        out.printf(Locale.ROOT, "%-46s %12.2f%n", "features (per packet, device context)", median(rounds, () -> {
            java.util.Map<String, Features.DeviceContext> ctx = new java.util.HashMap<>();
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                Features.Observation o = new Features.Observation(rows.get(i).deviceId(), false, i, i * 1000L,
                        x[i][4], x[i][5], java.util.Map.of("temperature", x[i][0]), i * 1000L + 300);
                s += Features.extract(o, ctx.computeIfAbsent(o.deviceId(), k -> new Features.DeviceContext()))[0];
            }
            return s;
        }) / x.length);
        StreamingModels[] streaming = new StreamingModels[1];
        out.printf(Locale.ROOT, "%-46s %12.2f%n", "device forest (RCF, " + TREES + " trees, sample " + SAMPLE + ")", median(rounds, () -> {
            streaming[0] = new StreamingModels(10_000, TREES, SAMPLE, 1);
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += streaming[0].process(rows.get(i).deviceId(), x[i], i, null).score();
            }
            return s;
        }) / x.length);
        out.printf(Locale.ROOT, "heap per device forest: %.1f KB (200 forests of 300 packets each)%n",
                heapPerForest(x) / 1024.0);
        java.util.Map<String, byte[]> saved = streaming[0].changed();
        long bytes = saved.values().stream().mapToLong(b -> b.length).sum();
        out.printf(Locale.ROOT, "saved device forest state: %.0f KB per device (gzipped JSON, %d devices, %d packets"
                + " each)%n", bytes / 1024.0 / saved.size(), saved.size(), x.length / saved.size());
        return 0;
    }

    private static double heapPerForest(double[][] x) {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        StreamingModels models = new StreamingModels(10_000, TREES, SAMPLE, 1);
        for (int d = 0; d < 200; d++) {
            for (int i = 0; i < 300; i++) {
                models.process("d" + d, x[(d * 300 + i) % x.length], i, null);
            }
        }
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        if (models.size() != 200) {
            throw new IllegalStateException("forests lost");
        }
        return (after - before) / 200.0;
    }

    private interface Work {
        Object run();
    }

    private static Object runBatches(double[][] x, int n, int batch, java.util.function.Function<double[][], float[]> f) {
        float s = 0;
        for (int i = 0; i < n; i += batch) {
            double[][] chunk = java.util.Arrays.copyOfRange(x, i % x.length, Math.min(x.length, i % x.length + batch));
            s += f.apply(chunk)[0];
        }
        return s;
    }

    /** Median wall-clock µs of {@code rounds} runs after one warm-up run. */
    private static double median(int rounds, Work work) {
        work.run();
        double[] t = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            work.run();
            t[r] = (System.nanoTime() - start) / 1e3;
        }
        java.util.Arrays.sort(t);
        return t[rounds / 2];
    }
}
