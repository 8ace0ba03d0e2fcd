package io.vigil.ml;

import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.config.Precision;
import com.amazon.randomcutforest.state.RandomCutForestMapper;
import com.amazon.randomcutforest.state.RandomCutForestState;

/**
 * One device's Random Cut Forest (Amazon's plain forest, no thresholded wrapper) with the two small things the
 * wrapper added, kept here in a few floats: each input normalized by the device's own running mean and deviation,
 * and a grade from the forest's score against the running distribution of the device's own scores. The thresholded
 * wrapper cost about 8 KB a device on top of the forest for buffers this model never uses (shingles, forecasts,
 * several deviation trackers a dimension); this one costs the forest plus 96 bytes (issue 15: ≤ 8 KB a device).
 */
public final class DeviceForest {

    /** Packets the running means and deviations reach back over (their weight is 1/min(n, HORIZON)). */
    static final int HORIZON = 200;
    /** Standard deviations of the device's own scores past their mean where a score starts to grade. */
    static final double Z = 3;
    /** A score below this never grades: RCF's scores of inliers stay under 1 (the wrapper's lower threshold too). */
    static final double FLOOR = 1.0;
    /** The largest normalized value a reading gives: a reading off the chart is an outlier, not an infinity. */
    static final double CLIP = 50;

    /** Packets that only set the running means and deviations before the forest sees normalized points. */
    static final int SETTLE = 8;

    final RandomCutForest forest;
    final float[] mean;
    final float[] var;
    float scoreMean;
    float scoreVar;
    long seen;
    long scored;

    DeviceForest(RandomCutForest forest, int dimensions) {
        this.forest = forest;
        this.mean = new float[dimensions];
        this.var = new float[dimensions];
    }

    static DeviceForest create(int dimensions, int trees, int sampleSize, long seed) {
        return new DeviceForest(RandomCutForest.builder()
                .dimensions(dimensions)
                .numberOfTrees(trees)
                .sampleSize(sampleSize)
                .outputAfter(Math.min(sampleSize, StreamingModels.WARM_UP / 2))
                .precision(Precision.FLOAT_32)
                .boundingBoxCacheFraction(0)
                .parallelExecutionEnabled(false)
                .randomSeed(seed)
                .build(), dimensions);
    }

    /** Grades {@code x} against the device's past and learns it: {grade 0-1, raw score}. */
    double[] process(double[] x) {
        float[] z = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double scale = Math.max(Math.sqrt(Math.max(0, var[i])), 1e-3 + 1e-3 * Math.abs(mean[i]));
            double v = (x[i] - mean[i]) / scale;
            z[i] = (float) (Double.isNaN(v) ? 0 : Math.max(-CLIP, Math.min(CLIP, v)));
        }
        if (seen < SETTLE) { // the first readings only set the means and deviations the forest's points are put in
            learnInput(x);
            return new double[] {0, 0};
        }
        double score = forest.getAnomalyScore(z);
        double grade = 0;
        if (forest.isOutputReady()) {
            double sd = Math.sqrt(Math.max(0, scoreVar));
            double threshold = Math.max(FLOOR, scoreMean + Z * sd);
            if (scored >= 16 && score > threshold) {
                grade = Math.min(1, (score - threshold) / Math.max(threshold - scoreMean, 0.1));
            }
            // An outlier moves the score distribution by at most its threshold: one attack does not hide the next.
            learnScore(Math.min(score, threshold));
        }
        forest.update(z);
        learnInput(x);
        return new double[] {grade, score};
    }

    private void learnScore(double s) {
        scored++;
        double w = 1.0 / Math.min(scored, HORIZON);
        double d = s - scoreMean;
        scoreMean += (float) (w * d);
        scoreVar += (float) (w * (d * (s - scoreMean) - scoreVar));
    }

    private void learnInput(double[] x) {
        seen++;
        double w = 1.0 / Math.min(seen, HORIZON);
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i])) {
                continue;
            }
            double d = x[i] - mean[i];
            mean[i] += (float) (w * d);
            var[i] += (float) (w * (d * (x[i] - mean[i]) - var[i]));
        }
    }

    /** The saved form: the forest's own state (Amazon's mapper, trees included) and the running figures. */
    public record State(int version, RandomCutForestState forest, float[] mean, float[] var, float scoreMean,
            float scoreVar, long seen, long scored) {
    }

    static final int VERSION = 2;

    State state() {
        return new State(VERSION, mapper().toState(forest), mean.clone(), var.clone(), scoreMean, scoreVar, seen,
                scored);
    }

    /** The model a saved state holds, or null when the state is of another version (a thresholded forest of before). */
    static DeviceForest of(State s) {
        if (s.version() != VERSION || s.forest() == null || s.mean() == null || s.var() == null) {
            return null;
        }
        DeviceForest f = new DeviceForest(mapper().toModel(s.forest()), s.mean().length);
        System.arraycopy(s.mean(), 0, f.mean, 0, f.mean.length);
        System.arraycopy(s.var(), 0, f.var, 0, f.var.length);
        f.scoreMean = s.scoreMean();
        f.scoreVar = s.scoreVar();
        f.seen = s.seen();
        f.scored = s.scored();
        return f;
    }

    private static RandomCutForestMapper mapper() {
        RandomCutForestMapper m = new RandomCutForestMapper();
        m.setSaveExecutorContextEnabled(true);
        m.setSaveTreeStateEnabled(true);
        m.setPartialTreeStateEnabled(true);
        return m;
    }
}
