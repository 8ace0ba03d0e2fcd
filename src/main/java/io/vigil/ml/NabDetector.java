package io.vigil.ml;

import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;

/**
 * The streaming detector as run on a univariate NAB series: a thresholded Random Cut Forest over a shingle of
 * recent values, its raw scores turned into an anomaly likelihood against their own recent history.
 */
public final class NabDetector {

    public static final String DESCRIPTION = "thresholded RCF (shingle 8, 50 trees, sample 256) + score likelihood";

    private NabDetector() {
    }

    public static double[] scores(double[] values, long[] times) {
        ThresholdedRandomCutForest forest = ThresholdedRandomCutForest.builder()
                .dimensions(8)
                .shingleSize(8)
                .internalShinglingEnabled(true)
                .numberOfTrees(50)
                .sampleSize(256)
                .transformMethod(TransformMethod.NORMALIZE)
                .randomSeed(42)
                .build();
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            AnomalyDescriptor d = forest.process(new double[] {values[i]}, times[i]);
            out[i] = d.getAnomalyGrade();
        }
        return out;
    }
}
