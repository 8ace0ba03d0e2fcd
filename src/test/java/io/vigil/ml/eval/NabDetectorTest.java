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
                new NabDetector.Params(1, 10, 0.05, 100, false, false)}) {
            double[] s = NabDetector.scores(v, NabDetector.rcfScores(v, times(n), p.shingle()),
                    ArtDetector.novelty(v, NabDetector.ART), NabDetector.coarseScores(v, times(n), p), p);
            assertThat(java.util.Arrays.stream(s).max().orElse(0)).as(NabCrossValidation.describe(p)).isLessThan(0.5);
        }
    }

    private static double[] noisyDays(int n, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 100 + 10 * Math.sin(2 * Math.PI * i / 288) + 3 * random.nextGaussian();
        }
        return v;
    }

    @Test
    void the_coarse_view_scores_each_block_when_it_ends_and_only_after_learning() {
        int n = 16_000;
        double[] v = noisyDays(n, 5);
        int step = NabDetector.coarseBlock(n);
        assertThat(step).as("probation 750 rows / 52").isEqualTo(14);
        double[] c = NabDetector.coarseScores(v, times(n), NabDetector.Params.DEFAULT);
        int firstScored = -1;
        for (int i = 0; i < n; i++) {
            if (c[i] != 0) {
                assertThat((i + 1) % step).as("row %d scored: not a block's last row", i).isZero();
                firstScored = firstScored < 0 ? i : firstScored;
            }
        }
        // the likelihood learns for 288 blocks and estimates over 100 more before it scores anything
        assertThat(firstScored).isGreaterThanOrEqualTo((NabDetector.LEARNING + NabDetector.ESTIMATION) * step - 1);
        // scoring one block must not need any later row: the view over a cut series agrees on what it has
        int cut = 9_000;
        double[] prefix = NabDetector.coarseScores(java.util.Arrays.copyOf(v, cut),
                java.util.Arrays.copyOf(times(n), cut), NabDetector.Params.DEFAULT);
        assertThat(NabDetector.coarseBlock(cut)).isEqualTo(step);
        for (int i = 0; i < cut; i++) {
            assertThat(prefix[i]).as("row %d", i).isEqualTo(c[i]);
        }
    }

    @Test
    void on_a_file_of_4032_rows_the_coarse_view_is_still_learning_and_changes_nothing() {
        int n = 4_032;
        double[] v = noisyDays(n, 7);
        long[] t = times(n);
        NabDetector.Params without = new NabDetector.Params(NabDetector.SHINGLE, NabDetector.AVERAGE,
                NabDetector.SPATIAL_TOLERANCE, 0, true, false);
        double[] rcf = NabDetector.rcfScores(v, t, NabDetector.SHINGLE);
        double[] art = ArtDetector.novelty(v, NabDetector.ART);
        assertThat(NabDetector.scores(v, t)).containsExactly(NabDetector.scores(v, rcf, art, null, without));
    }

    /** The rows that spatial novelty alone scores 1 (the other views given nothing to say). */
    private static java.util.List<Integer> spatialAlarms(double[] v) {
        double[] none = new double[v.length];
        double[] s = NabDetector.views(v, none, none, new NabDetector.Params(NabDetector.SHINGLE, NabDetector.AVERAGE,
                NabDetector.SPATIAL_TOLERANCE, 0, false, false));
        java.util.List<Integer> rows = new java.util.ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (s[i] >= 1.0) {
                rows.add(i);
            }
        }
        return rows;
    }

    @Test
    void a_noisy_series_setting_new_records_a_row_at_a_time_is_not_spatially_novel() {
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            double[] v = new double[4_032];
            for (int i = 0; i < v.length; i++) {
                v[i] = 50 + 10 * random.nextGaussian();
            }
            // One row far past the range (10 % of it) still counts at once; a record just past it does not.
            assertThat(spatialAlarms(v)).as("seed %d", seed).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void a_small_step_past_the_range_counts_once_it_holds_for_two_rows() {
        int n = 1_000;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 50 + 10 * Math.sin(2 * Math.PI * i / 100);
        }
        // a single row 1.5 % past the top (40-60): a record, not a new level
        v[500] = 60.3;
        // from row 700 on, a level 4.4 % past the top of the range then (40-60.3), held
        for (int i = 700; i < n; i++) {
            v[i] = 61.2;
        }
        assertThat(spatialAlarms(v)).containsExactly(701);
    }
}
