package io.vigil.ml.eval;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How much of the NAB score is tuning: the detector's choices ({@link NabDetector.Params}) searched on some files and
 * scored on the others, which the search never saw. Two splits: leave one NAB category out (the choice made on the
 * other two categories, scored on the third), and the files alternately in two halves. Each held-out score is NAB's
 * own (threshold optimised on the files scored, as {@code vigil evaluate --nab} does on any folder). Beside it, the
 * shipped default's score on the same files, which is not held out: the default was chosen on all 30 files.
 * {@code java -cp target/vigil.jar io.vigil.ml.eval.NabCrossValidation [nab folder]}, about 40 s; {@code vigil evaluate} prints it too.
 */
public final class NabCrossValidation {

    private NabCrossValidation() {
    }

    public static void main(String[] args) {
        Path nab = Path.of(args.length > 0 ? args[0] : "../shared/data/nab");
        report(NabRun.series(nab), System.out);
    }

    /** The issue's bar: NAB standard ≥ this on files the detector was not tuned on. */
    public static final double HELD_OUT_BAR = 65;

    /**
     * The cross-validation under {@code vigil evaluate}, and its verdict on the held-out bar: shown only when every
     * held-out fold reaches it (a bar on data nobody tuned on has to hold on each kind of data held out here).
     */
    public static boolean run(Path nab, PrintStream out) {
        double[] held = report(NabRun.series(nab), out);
        double min = java.util.Arrays.stream(held).min().orElse(0);
        double max = java.util.Arrays.stream(held).max().orElse(0);
        boolean shown = min >= HELD_OUT_BAR;
        out.printf(Locale.ROOT, "NAB on files not tuned on (bar %.0f): %s, held-out folds %.1f-%.1f%n", HELD_OUT_BAR,
                shown ? "met in every fold" : "NOT SHOWN", min, max);
        return shown;
    }

    static List<NabDetector.Params> grid() {
        List<NabDetector.Params> grid = new ArrayList<>();
        for (int shingle : new int[] {1, 2, 4}) {
            for (int average : new int[] {10, 20, 30}) {
                for (double tolerance : new double[] {0.005, 0.01, 0.02, 0.05}) {
                    for (int z : new int[] {0, 100}) {
                        for (boolean art : new boolean[] {false, true}) {
                            for (boolean coarse : new boolean[] {false, true}) {
                                grid.add(new NabDetector.Params(shingle, average, tolerance, z, art, coarse));
                            }
                        }
                    }
                }
            }
        }
        return grid;
    }

    /** Prints the folds; returns the held-out score of each fold, in the order printed. */
    static double[] report(List<NabRun.Series> files, PrintStream out) {
        Map<String, double[]> rcf = new HashMap<>();
        Map<String, double[]> art = new HashMap<>();
        files.parallelStream().map(f -> Map.entry(f.name(), ArtDetector.novelty(f.values(), NabDetector.ART))).toList()
                .forEach(e -> art.put(e.getKey(), e.getValue()));
        Map<NabDetector.Params, Map<String, NabScorer.DataFile>> scored = new HashMap<>();
        List<NabDetector.Params> grid = grid();
        grid.stream().map(NabDetector.Params::shingle).distinct()
                .flatMap(shingle -> files.stream().map(f -> Map.entry(f, shingle))).toList().parallelStream()
                .map(e -> Map.entry(e.getKey().name() + "#" + e.getValue(),
                        NabDetector.rcfScores(e.getKey().values(), e.getKey().times(), e.getValue())))
                .toList().forEach(e -> rcf.put(e.getKey(), e.getValue()));
        // The coarse view: its forest depends on the shingle only, its shapes on nothing searched.
        Map<String, NabDetector.Blocks> blocks = new HashMap<>();
        files.forEach(f -> blocks.put(f.name(), NabDetector.blocks(f.values(), f.times())));
        Map<String, double[]> coarseArt = new HashMap<>();
        files.forEach(f -> coarseArt.put(f.name(), ArtDetector.novelty(blocks.get(f.name()).means(), NabDetector.ART)));
        Map<String, double[]> coarseRcf = new HashMap<>();
        grid.stream().map(NabDetector.Params::shingle).distinct()
                .flatMap(shingle -> files.stream().map(f -> Map.entry(f, shingle))).toList().parallelStream()
                .map(e -> {
                    NabDetector.Blocks b = blocks.get(e.getKey().name());
                    return Map.entry(e.getKey().name() + "#" + e.getValue(),
                            NabDetector.rcfScores(b.means(), b.ends(), e.getValue()));
                })
                .toList().forEach(e -> coarseRcf.put(e.getKey(), e.getValue()));
        for (NabDetector.Params p : grid) {
            Map<String, NabScorer.DataFile> byName = new HashMap<>();
            for (NabRun.Series f : files) {
                double[] raw = rcf.get(f.name() + "#" + p.shingle());
                byName.put(f.name(), new NabScorer.DataFile(f.name(), f.times(), NabDetector.scores(f.values(), raw,
                        art.get(f.name()), p.coarse() ? NabDetector.coarseScores(f.values().length, blocks.get(f.name()),
                                coarseRcf.get(f.name() + "#" + p.shingle()), coarseArt.get(f.name()), p) : null, p),
                        f.windows()));
            }
            scored.put(p, byName);
        }
        out.printf("%d files, %d choices of the detector (shingle x average x spatial tolerance x deviation view x shape view x coarse view)%n",
                files.size(), grid.size());
        out.printf("%-22s %-66s %8s %9s %8s%n", "held out", "choice made on the other files", "on them",
                "held out", "default");
        List<String> categories = files.stream().map(f -> f.name().substring(0, f.name().indexOf('/'))).distinct()
                .toList();
        double sum = 0;
        double sumDefault = 0;
        int folds = 0;
        List<Double> held = new ArrayList<>();
        for (String c : categories) {
            double[] r = fold(files, scored, grid, f -> f.name().startsWith(c + "/"), c, out);
            sum += r[0];
            sumDefault += r[1];
            folds++;
            held.add(r[0]);
        }
        for (int half = 0; half < 2; half++) {
            int h = half;
            List<String> names = files.stream().map(NabRun.Series::name).toList();
            double[] r = fold(files, scored, grid, f -> names.indexOf(f.name()) % 2 == h,
                    (h == 0 ? "even" : "odd") + " files", out);
            sum += r[0];
            sumDefault += r[1];
            folds++;
            held.add(r[0]);
        }
        out.printf(Locale.ROOT, "mean over %d held-out folds: %.1f (the default, not held out: %.1f)%n", folds,
                sum / folds, sumDefault / folds);
        return held.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] fold(List<NabRun.Series> files, Map<NabDetector.Params, Map<String, NabScorer.DataFile>> scored,
            List<NabDetector.Params> grid, Predicate<NabRun.Series> heldOut, String name, PrintStream out) {
        NabDetector.Params best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (NabDetector.Params p : grid) {
            double s = score(files, scored.get(p), heldOut.negate());
            if (s > bestScore) {
                bestScore = s;
                best = p;
            }
        }
        double held = score(files, scored.get(best), heldOut);
        Map<String, NabScorer.DataFile> defaults = scored.get(NabDetector.Params.DEFAULT);
        double def = defaults == null ? Double.NaN : score(files, defaults, heldOut);
        out.printf(Locale.ROOT, "%-22s %-66s %8.1f %9.1f %8.1f%n", name, describe(best), bestScore, held, def);
        return new double[] {held, def};
    }

    static String describe(NabDetector.Params p) {
        return String.format(Locale.ROOT, "shingle %d, average %d, tolerance %.1f %%%s", p.shingle(), p.average(),
                100 * p.tolerance(), (p.zWindow() > 0 ? ", deviation " + p.zWindow() : "") + (p.art() ? ", shapes" : "")
                + (p.coarse() ? ", coarse" : ""));
    }

    private static double score(List<NabRun.Series> files, Map<String, NabScorer.DataFile> scored,
            Predicate<NabRun.Series> which) {
        List<NabScorer.DataFile> corpus = files.stream().filter(which).map(f -> scored.get(f.name())).toList();
        return NabScorer.score(corpus, NabScorer.PROFILES.get(0)).normalised();
    }
}
