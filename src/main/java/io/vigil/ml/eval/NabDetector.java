package io.vigil.ml.eval;

import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The streaming detector as run on a univariate NAB series. All parts online (each score uses only the past):
 * <ol>
 * <li>a Random Cut Forest over a shingle of the last 2 values gives a raw anomaly score;</li>
 * <li>the raw score becomes an anomaly likelihood, as Numenta's HTM detector does with its own raw score: the
 * mean of the last 20 raw scores against the normal distribution of that mean over a long history (the
 * upper-tail probability, reported as −log10(tail) / 10, so that rare excursions stand out);</li>
 * <li>a second view, the shape novelty of {@link ArtDetector} (the last 8 values against every shape learned so far,
 * vigilance 0.9), becomes a likelihood the same way (mean of 10), and a row scores the larger of the two: the
 * forest sees a point unlike its neighbours, the shapes a sequence unlike any before;</li>
 * <li>spatial novelty (as in NAB's HTM detector) scores 1: a value more than 10 % of the seen range outside all values
 * seen so far, or two values in a row more than 1 % outside the range of all values before them (since 2026-12-08:
 * a single value just past the range is how a noisy series sets a new record now and then);</li>
 * <li>a coarse view (since 2026-12-08): the same forest, shapes and likelihoods over the means of blocks of rows,
 * 52 blocks to NAB's probationary period (11–14 rows a block on NAB's files), each block's score given to its last
 * row. It needs 388 blocks to learn, so it takes part in files longer than about 5,000 rows, where a noisy series'
 * slower changes stand out at that scale and not at the rows' own;</li>
 * <li>a score is reported only if it is higher than every score of the last 200 rows, else 0: an excursion is
 * one alarm, not one per row (NAB counts every flagged row outside a window as a false positive).</li>
 * </ol>
 * The constants were chosen on this NAB subset (as the scoreboard's detectors were tuned on NAB), from a
 * grid (shingle 1/2/4/8, average 10/20/30, spacing 100/200/300, tolerance 0.5–5 %) on which shingle 2 scores
 * 57.7–66.0 and 35 of its 36 points reach 60; chosen on one half of the files alone, the grid's best scores
 * 57.5 and 64.0 on the other half (the README gives the figures).
 */
public final class NabDetector {

    public static final String DESCRIPTION = "max(RCF (shingle 2, 50 trees, sample 256) raw score -> anomaly likelihood"
            + " (mean of 20), shape novelty (fuzzy ART, 8 values, vigilance 0.9) -> likelihood (mean of 10)),"
            + " + spatial novelty (10 %, or 1 % two rows in a row), the same on means of blocks of probation/52 rows, one alarm per 200 rows";

    static final int LEARNING = 288;
    static final int ESTIMATION = 100;
    static final int HISTORY = 8640;
    static final int AVERAGE = 20;
    static final int SHINGLE = 2;
    /** A score is reported only if it beats every score of the last this many rows (one alarm per excursion). */
    static final int SUPPRESS = 200;
    static final double SPATIAL_TOLERANCE = 0.01;
    /** Spatial novelty: rows in a row past the range before them (by the tolerance) ... */
    static final int SUSTAIN = 2;
    /** ... or one row this far past the range seen so far (a fraction of it). */
    static final double FAR = 0.1;
    /** The coarse view's blocks: this many to NAB's probationary period (15 % of a file, at most 750 rows). */
    static final int COARSE_BLOCKS_PER_PROBATION = 52;

    private NabDetector() {
    }

    /**
     * The detector's choices: the forest's shingle, the likelihood's averaging window, the spatial tolerance, the
     * window of an optional deviation view (0: none; else the likelihood of |value − mean| / σ over that many past
     * rows), and whether the shape view ({@link #ART}) takes part. A row's score is the largest of the views'
     * likelihoods; with {@code coarse}, the same views over block means take part ({@link #coarseScores}).
     * {@link NabCrossValidation} searches them.
     */
    public record Params(int shingle, int average, double tolerance, int zWindow, boolean art, boolean coarse) {
        public static final Params DEFAULT = new Params(SHINGLE, AVERAGE, SPATIAL_TOLERANCE, 0, true, true);
    }

    /** The shape-novelty view's choices (fixed before it was first scored on NAB, not searched). */
    static final ArtDetector.Params ART = new ArtDetector.Params(8, 1, 0.9, 2000);
    static final int ART_AVERAGE = 10;

    public static double[] scores(double[] values, long[] times) {
        Params p = Params.DEFAULT;
        return scores(values, rcfScores(values, times, p.shingle()), ArtDetector.novelty(values, ART),
                coarseScores(values, times, p), p);
    }

    /** Rows in a block of the coarse view of a file of {@code rows} rows. */
    static int coarseBlock(int rows) {
        return Math.max(1, NabScorer.probationaryLength(rows) / COARSE_BLOCKS_PER_PROBATION);
    }

    /**
     * The coarse view: the views of {@link #views} over the means of consecutive blocks of {@link #coarseBlock} rows,
     * each block's score at its last row (0 elsewhere, and in a last partial block). Online: a block is scored when
     * its last row arrives.
     */
    public static double[] coarseScores(double[] values, long[] times, Params p) {
        Blocks b = blocks(values, times);
        return coarseScores(values.length, b, rcfScores(b.means(), b.ends(), p.shingle()),
                ArtDetector.novelty(b.means(), ART), p);
    }

    /** The coarse view's input: block means and the time of each block's last row. */
    record Blocks(int step, double[] means, long[] ends) {
    }

    static Blocks blocks(double[] values, long[] times) {
        int step = coarseBlock(values.length);
        int count = values.length / step;
        double[] means = new double[count];
        long[] ends = new long[count];
        for (int b = 0; b < count; b++) {
            double sum = 0;
            for (int r = 0; r < step; r++) {
                sum += values[b * step + r];
            }
            means[b] = sum / step;
            ends[b] = times[b * step + step - 1];
        }
        return new Blocks(step, means, ends);
    }

    /** The coarse view from the blocks' forest and shape scores (computed once for every choice that shares them). */
    static double[] coarseScores(int rows, Blocks b, double[] rcf, double[] art, Params p) {
        double[] scored = views(b.means(), rcf, art, p);
        double[] out = new double[rows];
        for (int i = 0; i < scored.length; i++) {
            out[i * b.step() + b.step() - 1] = scored[i];
        }
        return out;
    }

    /** The forest's raw score of every row (the slow part: 50 trees), learning as it goes. */
    public static double[] rcfScores(double[] values, long[] times, int shingle) {
        ThresholdedRandomCutForest forest = ThresholdedRandomCutForest.builder()
                .dimensions(shingle)
                .shingleSize(shingle)
                .internalShinglingEnabled(true)
                .numberOfTrees(50)
                .sampleSize(256)
                .transformMethod(TransformMethod.NORMALIZE)
                .randomSeed(42)
                .build();
        double[] raw = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            AnomalyDescriptor d = forest.process(new double[] {values[i]}, times[i]);
            raw[i] = d.getRCFScore();
        }
        return raw;
    }

    /**
     * The reported scores from the forest's raw scores ({@link #rcfScores} with {@code p.shingle()}), the shape
     * novelty ({@link ArtDetector#novelty} with {@link #ART}) and the coarse view ({@link #coarseScores}, used when
     * {@code p.coarse()}): the larger of the views at each row, reported if it beats the last {@link #SUPPRESS} rows.
     */
    public static double[] scores(double[] values, double[] rcf, double[] art, double[] coarse, Params p) {
        double[] raw = views(values, rcf, art, p);
        if (p.coarse()) {
            for (int i = 0; i < raw.length; i++) {
                raw[i] = Math.max(raw[i], coarse[i]);
            }
        }
        double[] out = raw.clone();
        for (int i = 0; i < raw.length; i++) {
            for (int j = Math.max(0, i - SUPPRESS); j < i; j++) {
                if (raw[j] >= raw[i]) {
                    out[i] = 0;
                    break;
                }
            }
        }
        return out;
    }

    /** Each row's score before alarms are spaced: the larger of the views' likelihoods, or 1 for spatial novelty. */
    static double[] views(double[] values, double[] rcf, double[] art, Params p) {
        Likelihood likelihood = new Likelihood(p.average());
        Likelihood shapes = new Likelihood(ART_AVERAGE);
        Likelihood deviation = new Likelihood(p.average());
        ArrayDeque<Double> window = new ArrayDeque<>();
        double sum = 0;
        double squares = 0;
        double[] raw = new double[values.length];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double[] before = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}; // range of the rows before the last SUSTAIN
        boolean wasOut = false;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            double score = likelihood.next(rcf[i]);
            if (p.art()) {
                score = Math.max(score, shapes.next(art[i]));
            }
            if (p.zWindow() > 0) {
                double z = 0;
                if (window.size() >= 10) {
                    double mean = sum / window.size();
                    z = Math.abs(v - mean) / Math.sqrt(Math.max(1e-12, squares / window.size() - mean * mean));
                }
                window.addLast(v);
                sum += v;
                squares += v * v;
                if (window.size() > p.zWindow()) {
                    double old = window.removeFirst();
                    sum -= old;
                    squares -= old * old;
                }
                score = Math.max(score, deviation.next(z));
            }
            if (v == min && v == max) {
                // A series that has not changed yet has nothing anomalous in it: the forest's scores of one value
                // repeated, normalized by a deviation of 0, wander (seen: alarms in the first 500 rows of a flat line).
                score = 0;
            }
            // Spatial novelty: one row far past the range seen so far, or two rows in a row past the range of every
            // row before them (by the tolerance). A noisy series sets a new record now and then, a row at a time.
            if (i >= SUSTAIN) {
                before[0] = Math.min(before[0], values[i - SUSTAIN]);
                before[1] = Math.max(before[1], values[i - SUSTAIN]);
            }
            boolean out = false;
            if (i >= LEARNING && before[1] > before[0]) {
                double tolerance = (before[1] - before[0]) * p.tolerance();
                double low = Double.POSITIVE_INFINITY;
                double high = Double.NEGATIVE_INFINITY;
                for (int j = i - SUSTAIN + 1; j <= i; j++) {
                    low = Math.min(low, values[j]);
                    high = Math.max(high, values[j]);
                }
                out = low > before[1] + tolerance || high < before[0] - tolerance;
                double far = (max - min) * FAR;
                if (out && !wasOut || v > max + far || v < min - far) {
                    score = 1.0;
                }
            }
            wasOut = out;
            min = Math.min(min, v);
            max = Math.max(max, v);
            raw[i] = score;
        }
        return raw;
    }

    /** Numenta's anomaly likelihood over a stream of raw scores. */
    static final class Likelihood {
        private final Deque<Double> recent = new ArrayDeque<>();
        private final double[] history = new double[HISTORY];
        private final int average;
        private int count;
        private double recentSum;
        private double mean;
        private double std = 1;
        private int sinceEstimate;

        Likelihood(int average) {
            this.average = average;
        }

        double next(double raw) {
            recent.addLast(raw);
            recentSum += raw;
            if (recent.size() > average) {
                recentSum -= recent.removeFirst();
            }
            double average = recentSum / recent.size();
            int seen = count++;
            if (seen >= LEARNING) {
                history[(seen - LEARNING) % HISTORY] = average;
            }
            int samples = Math.min(HISTORY, Math.max(0, count - LEARNING));
            if (samples < ESTIMATION) {
                return 0;
            }
            if (samples == ESTIMATION || ++sinceEstimate >= ESTIMATION) {
                estimate(samples);
                sinceEstimate = 0;
            }
            double z = (average - mean) / std;
            if (z <= 0) {
                return 0;
            }
            double tail = 0.5 * erfc(z / Math.sqrt(2));
            return Math.min(1, -Math.log10(Math.max(tail, 1e-300)) / 10);
        }

        private void estimate(int samples) {
            double sum = 0;
            for (int i = 0; i < samples; i++) {
                sum += history[i];
            }
            mean = sum / samples;
            double var = 0;
            for (int i = 0; i < samples; i++) {
                var += (history[i] - mean) * (history[i] - mean);
            }
            var /= samples;
            std = Math.sqrt(Math.max(var, Math.max(1e-8, 1e-4 * mean * mean)));
        }
    }

    /** Complementary error function (Numerical Recipes erfcc, fractional error < 1.2e-7). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
