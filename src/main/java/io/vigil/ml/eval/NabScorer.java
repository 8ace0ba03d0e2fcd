package io.vigil.ml.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Numenta Anomaly Benchmark's scoring (NAB v1.1, {@code nab/sweeper.py} and {@code nab/optimizer.py}),
 * re-stated in Java:
 * <ul>
 * <li>the first 15 % of each file (at most 750 rows) is probationary and not scored;</li>
 * <li>inside a window, a detection at relative position p = −(end − i + 1) / width scores
 * tpWeight × (2σ(−5p) − 1) / (2σ(5) − 1), so 1 at the window's first row, falling towards 0 at its end;
 * only the best (earliest) detection of a window counts, and a window without one costs −fnWeight;</li>
 * <li>outside, a detection costs fpWeight × (2σ(−5x) − 1) with x = distance past the previous window over
 * its width − 1 (−1 when x > 3 or there is no previous window);</li>
 * <li>one threshold for the whole corpus, the one giving the best total (detections are rows with
 * score ≥ threshold), and normalisation 100 × (S − S_null) / (S_perfect − S_null).</li>
 * </ul>
 */
public final class NabScorer {

    public record Profile(String name, double tpWeight, double fpWeight, double fnWeight) {
    }

    public static final List<Profile> PROFILES = List.of(new Profile("standard", 1.0, 0.11, 1.0),
            new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0), new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0));

    /** One file of a corpus: row times (any increasing unit), the detector's scores, and its windows. */
    public record DataFile(String name, long[] times, double[] scores, List<long[]> windows) {
    }

    /** One scored row: its score, sweep score and window ("probationary", a window name, or null). */
    record Point(double anomalyScore, double sweepScore, String window) {
    }

    public record Result(double threshold, double score, double nullScore, double perfectScore) {
        public double normalised() {
            return 100 * (score - nullScore) / (perfectScore - nullScore);
        }
    }

    private NabScorer() {
    }

    public static int probationaryLength(int rows) {
        return (int) Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
    }

    static double scaledSigmoid(double relativePosition) {
        if (relativePosition > 3.0) {
            return -1.0;
        }
        return 2 / (1 + Math.exp(5 * relativePosition)) - 1.0;
    }

    /** The sweep score of every row of one file. */
    static List<Point> sweep(DataFile f, Profile profile) {
        double maxTp = scaledSigmoid(-1.0);
        int n = f.times().length;
        int probation = probationaryLength(n);
        List<long[]> windows = new ArrayList<>(f.windows());
        windows.sort(Comparator.comparingLong(w -> w[0]));
        List<Point> out = new ArrayList<>(n);
        String window = null;
        int windowRight = -1;
        double windowWidth = 0;
        Integer prevRight = null;
        double prevWidth = 0;
        for (int i = 0; i < n; i++) {
            long t = f.times()[i];
            if (window == null && !windows.isEmpty() && t >= windows.get(0)[0]) {
                long[] w = windows.remove(0);
                window = f.name() + "|" + w[0];
                int right = i;
                while (right + 1 < n && f.times()[right + 1] <= w[1]) {
                    right++;
                }
                windowRight = right;
                windowWidth = right - i + 1;
            }
            double weighted;
            if (window != null) {
                double position = -(windowRight - i + 1) / windowWidth;
                weighted = scaledSigmoid(position) * profile.tpWeight() / maxTp;
            } else {
                double unweighted = prevRight == null ? -1.0
                        : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
                weighted = unweighted * profile.fpWeight();
            }
            out.add(new Point(f.scores()[i], weighted, i >= probation ? window : "probationary"));
            if (window != null && i == windowRight) {
                prevRight = i;
                prevWidth = windowWidth;
                window = null;
            }
        }
        return out;
    }

    /** The corpus total at every distinct threshold, as {@code calcScoreByThreshold}: [threshold, score]. */
    static List<double[]> byThreshold(List<Point> points, Profile profile) {
        List<Point> scorable = new ArrayList<>();
        for (Point p : points) {
            if (!"probationary".equals(p.window())) {
                scorable.add(p);
            }
        }
        scorable.sort(Comparator.comparingDouble(Point::anomalyScore).reversed());
        Map<String, Double> parts = new LinkedHashMap<>();
        double fp = 0;
        for (Point p : scorable) {
            if (p.window() != null) {
                parts.put(p.window(), -profile.fnWeight());
            }
        }
        double windowSum = parts.values().stream().mapToDouble(Double::doubleValue).sum();
        List<double[]> out = new ArrayList<>();
        double current = 1.1;
        for (Point p : scorable) {
            if (p.anomalyScore() != current) {
                out.add(new double[] {current, fp + windowSum});
                current = p.anomalyScore();
            }
            if (p.window() == null) {
                fp += p.sweepScore();
            } else {
                double before = parts.get(p.window());
                if (p.sweepScore() > before) {
                    parts.put(p.window(), p.sweepScore());
                    windowSum += p.sweepScore() - before;
                }
            }
        }
        out.add(new double[] {current, fp + windowSum});
        return out;
    }

    /** The detector's best corpus score for a profile, with the null and perfect detectors' scores. */
    public static Result score(List<DataFile> corpus, Profile profile) {
        double[] best = best(corpus, profile);
        List<DataFile> nulls = new ArrayList<>();
        List<DataFile> perfect = new ArrayList<>();
        for (DataFile f : corpus) {
            nulls.add(new DataFile(f.name(), f.times(), new double[f.times().length], f.windows()));
            double[] p = new double[f.times().length];
            for (long[] w : f.windows()) {
                for (int i = 0; i < p.length; i++) {
                    if (f.times()[i] >= w[0]) {
                        p[i] = 1;
                        break;
                    }
                }
            }
            perfect.add(new DataFile(f.name(), f.times(), p, f.windows()));
        }
        return new Result(best[0], best[1], scoreAt(nulls, profile, 0.5), scoreAt(perfect, profile, 0.5));
    }

    /** [threshold, score] of the best threshold over the whole corpus (NAB's optimizer). */
    static double[] best(List<DataFile> corpus, Profile profile) {
        List<Point> all = new ArrayList<>();
        for (DataFile f : corpus) {
            all.addAll(sweep(f, profile));
        }
        double[] best = null;
        for (double[] s : byThreshold(all, profile)) {
            if (best == null || s[1] > best[1]) {
                best = s;
            }
        }
        return best;
    }

    /** The corpus score with detections at score ≥ {@code threshold}. */
    static double scoreAt(List<DataFile> corpus, Profile profile, double threshold) {
        double total = 0;
        for (DataFile f : corpus) {
            double[] scores = f.scores().clone();
            for (int i = 0; i < scores.length; i++) {
                scores[i] = scores[i] >= threshold ? 1 : 0;
            }
            List<double[]> rows = byThreshold(sweep(new DataFile(f.name(), f.times(), scores, f.windows()), profile),
                    profile);
            double at = rows.get(0)[1];
            for (double[] r : rows) {
                if (r[0] >= 1) {
                    at = r[1];
                }
            }
            total += at;
        }
        return total;
    }
}
