package io.vigil.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NabDetectorTest {

    private static long[] times(int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1_400_000_000L + 300L * i;
        }
        return t;
    }

    @Test
    void a_value_past_everything_seen_is_one_alarm_not_one_per_row() {
        int n = 2_000;
        Random random = new Random(3);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 50 + 10 * Math.sin(2 * Math.PI * i / 288) + random.nextGaussian();
            if (i >= 1_500) {
                v[i] += 40; // a new level, far past the range
            }
        }
        double[] s = NabDetector.scores(v, times(n));
        assertThat(s[1_500]).as("the first row of the new level").isEqualTo(1.0);
        for (int i = 1_501; i < 1_700; i++) {
            assertThat(s[i]).as("row %d, within the suppression after the alarm", i).isLessThan(1.0);
        }
    }

    @Test
    void a_series_that_never_changes_raises_nothing() {
        int n = 1_500;
        double[] v = new double[n];
        java.util.Arrays.fill(v, 42);
        for (NabDetector.Params p : new NabDetector.Params[] {NabDetector.Params.DEFAULT,
                new NabDetector.Params(1, 10, 0.05, 100, false)}) {
            double[] s = NabDetector.scores(v, NabDetector.rcfScores(v, times(n), p.shingle()),
                    ArtDetector.novelty(v, NabDetector.ART), p);
            assertThat(java.util.Arrays.stream(s).max().orElse(0)).as(NabCrossValidation.describe(p)).isLessThan(0.5);
        }
    }
}
