package io.vigil.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArtDetectorTest {

    private static final ArtDetector.Params P = new ArtDetector.Params(8, 1, 0.9, 2000);

    /** A saw tooth of period 24 between 0 and 100. */
    private static double saw(int i) {
        return 100.0 * (i % 24) / 23;
    }

    @Test
    void a_repeating_pattern_is_not_novel_once_learned() {
        double[] v = new double[2_000];
        Arrays.setAll(v, ArtDetectorTest::saw);
        double[] s = ArtDetector.novelty(v, P);
        for (int i = 100; i < v.length; i++) {
            assertThat(s[i]).as("row %d of a pattern seen since row 0", i).isZero();
        }
    }

    @Test
    void a_shape_never_seen_is_novel_inside_the_range_and_not_the_second_time() {
        double[] v = new double[3_000];
        Arrays.setAll(v, ArtDetectorTest::saw);
        // A plateau at 50 for 20 rows, twice at the same phase of the tooth: every value is inside the range seen,
        // only the sequence is new.
        int again = 1_000 + 24 * 42;
        for (int i = 0; i < 20; i++) {
            v[1_000 + i] = 50;
            v[again + i] = 50;
        }
        double[] s = ArtDetector.novelty(v, P);
        double first = Arrays.stream(s, 1_000, 1_030).max().orElse(0);
        double second = Arrays.stream(s, again, again + 30).max().orElse(0);
        assertThat(first).as("the first plateau").isGreaterThan(0.02);
        assertThat(second).as("the same plateau again").isLessThan(first / 2);
        assertThat(Arrays.stream(s, 1_100, 2_000).max().orElse(0)).as("the saw tooth between").isZero();
    }

    @Test
    void a_series_that_never_changes_scores_nothing() {
        double[] v = new double[500];
        Arrays.fill(v, 7);
        assertThat(Arrays.stream(ArtDetector.novelty(v, P)).max().orElse(0)).isZero();
    }
}
