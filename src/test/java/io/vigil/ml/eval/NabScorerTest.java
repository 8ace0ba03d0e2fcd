package io.vigil.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NAB scoring on files small enough to score by hand: 100 rows at times 0..99 (probation = 15 rows), one
 * window [40, 59] of 20 rows. Constants: 2σ(5) − 1 = 0.986614 (the largest true-positive value).
 */
class NabScorerTest {

    private static final NabScorer.Profile STANDARD = NabScorer.PROFILES.get(0);
    private static final NabScorer.Profile LOW_FN = NabScorer.PROFILES.get(2);
    private static final List<long[]> WINDOW = List.<long[]>of(new long[] {40, 59});

    private static NabScorer.DataFile file(List<long[]> windows, double... scoresAt) {
        return file("f", windows, scoresAt);
    }

    private static NabScorer.DataFile file(String name, List<long[]> windows, double... scoresAt) {
        long[] times = new long[100];
        double[] scores = new double[100];
        for (int i = 0; i < 100; i++) {
            times[i] = i;
        }
        for (int k = 0; k < scoresAt.length; k += 2) {
            scores[(int) scoresAt[k]] = scoresAt[k + 1];
        }
        return new NabScorer.DataFile(name, times, scores, windows);
    }

    @Test
    void probation_is_15_percent_of_the_rows_at_most_750() {
        assertThat(NabScorer.probationaryLength(100)).isEqualTo(15);
        assertThat(NabScorer.probationaryLength(4032)).isEqualTo(604);
        assertThat(NabScorer.probationaryLength(22695)).isEqualTo(750);
    }

    @Test
    void a_detection_on_the_first_row_of_the_window_is_perfect() {
        NabScorer.Result r = NabScorer.score(List.of(file(WINDOW, 40, 1.0)), STANDARD);
        assertThat(r.score()).isCloseTo(1.0, within(1e-9));
        assertThat(r.nullScore()).isEqualTo(-1.0);
        assertThat(r.perfectScore()).isCloseTo(1.0, within(1e-9));
        assertThat(r.normalised()).isCloseTo(100.0, within(1e-6));
    }

    @Test
    void a_detection_on_the_last_row_of_the_window_scores_the_sigmoid_at_minus_one_twentieth() {
        // p = -(59 - 59 + 1) / 20 = -0.05; 2σ(0.25) - 1 = 0.124353; / 0.986614 = 0.126040
        NabScorer.Result r = NabScorer.score(List.of(file(WINDOW, 59, 1.0)), STANDARD);
        assertThat(r.score()).isCloseTo(0.126040, within(1e-6));
        assertThat(r.normalised()).isCloseTo(56.302, within(1e-3));
    }

    @Test
    void only_the_earliest_detection_of_a_window_counts() {
        NabScorer.Result r = NabScorer.score(List.of(file(WINDOW, 45, 1.0, 50, 1.0, 59, 1.0)), STANDARD);
        // p = -(59 - 45 + 1) / 20 = -0.75: 2σ(3.75) - 1 = 0.954045; / 0.986614 = 0.966989
        assertThat(r.score()).isCloseTo(0.966989, within(1e-6));
    }

    @Test
    void a_false_positive_before_any_window_costs_the_whole_fp_weight() {
        NabScorer.Result r = NabScorer.score(List.of(file(WINDOW, 20, 1.0, 40, 1.0)), STANDARD);
        assertThat(r.score()).isCloseTo(1.0 - 0.11, within(1e-9));
        assertThat(r.normalised()).isCloseTo(94.5, within(1e-6));
    }

    @Test
    void a_false_positive_after_a_window_costs_by_its_distance() {
        // x = |59 - 79| / (20 - 1) = 1.052632; 2σ(-5.263158) - 1 = -0.989694; × 0.11 = -0.108866
        NabScorer.Result r = NabScorer.score(List.of(file(WINDOW, 40, 1.0, 79, 1.0)), STANDARD);
        assertThat(r.score()).isCloseTo(1.0 - 0.108866, within(1e-6));
    }

    @Test
    void rows_in_the_probationary_period_are_not_scored() {
        NabScorer.Result r = NabScorer.score(List.of(file(List.of(new long[] {2, 8}, new long[] {40, 59}),
                5, 1.0, 10, 1.0, 40, 1.0)), STANDARD);
        // the first window and both detections before row 15 do not count: one window, found at its start
        assertThat(r.nullScore()).isEqualTo(-1.0);
        assertThat(r.score()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void the_threshold_is_the_one_with_the_best_total() {
        // 0.95 on a false positive, 0.9 on the window's first row: threshold 0.95 gives -1 - 0.11,
        // threshold 0.9 gives 1 - 0.11, no detection gives -1.
        NabScorer.Result r = NabScorer.score(List.of(file(WINDOW, 20, 0.95, 40, 0.9)), STANDARD);
        assertThat(r.threshold()).isEqualTo(0.9);
        assertThat(r.score()).isCloseTo(0.89, within(1e-9));
    }

    @Test
    void the_low_fn_profile_charges_two_for_a_missed_window() {
        NabScorer.Result r = NabScorer.score(List.of(file(WINDOW, 20, 1.0)), LOW_FN);
        // the best is to detect nothing: -2; null -2, perfect +1
        assertThat(r.score()).isEqualTo(-2.0);
        assertThat(r.nullScore()).isEqualTo(-2.0);
        assertThat(r.normalised()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void several_files_share_one_threshold() {
        NabScorer.Result r = NabScorer.score(List.of(file("a", WINDOW, 40, 0.8), file("b", WINDOW, 40, 0.6, 70, 0.7)),
                STANDARD);
        // 0.8: +1 - 1 = 0; 0.7: 0 - 0.098469 (x = 11/19: 0.11 × (2σ(-2.894737) - 1)); 0.6: +1 + 1 - 0.098469
        assertThat(r.threshold()).isEqualTo(0.6);
        assertThat(r.score()).isCloseTo(2 - 0.098469, within(1e-6));
    }
}
