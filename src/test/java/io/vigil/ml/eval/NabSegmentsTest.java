package io.vigil.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NabSegmentsTest {

    private static NabRun.Series series(String name, int n, List<long[]> windows) {
        long[] times = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            times[i] = 1_000_000L + 300L * i;
            values[i] = i;
        }
        return new NabRun.Series(name, times, values, windows);
    }

    private static long at(int row) {
        return 1_000_000L + 300L * row;
    }

    @Test
    void a_segment_starts_so_that_the_first_window_begins_the_given_share_in_and_keeps_only_whole_windows() {
        // Windows at rows 1,000–1,100, 1,500–1,700 (inside a 1,600-row segment from row 680) and 2,200–2,400 (past it).
        NabRun.Series file = series("a/f.csv", 4_000, List.of(new long[] {at(1_000), at(1_100)},
                new long[] {at(1_500), at(1_700)}, new long[] {at(2_200), at(2_400)}));
        List<NabRun.Series> segments = NabSegments.segments(List.of(file), 1_600, 0.2);

        assertThat(segments).hasSize(1);
        NabRun.Series s = segments.get(0);
        assertThat(s.values()).hasSize(1_600);
        assertThat(s.values()[0]).isEqualTo(680);
        assertThat(s.times()[320]).isEqualTo(at(1_000));
        assertThat(s.windows()).extracting(w -> w[0]).containsExactly(at(1_000), at(1_500));
    }

    @Test
    void files_without_windows_or_too_short_for_a_segment_give_none() {
        NabRun.Series noWindows = series("a/none.csv", 4_000, List.of());
        NabRun.Series early = series("a/early.csv", 4_000, List.of(new long[] {at(100), at(200)}));
        NabRun.Series shortFile = series("a/short.csv", 1_000, List.of(new long[] {at(400), at(500)}));

        assertThat(NabSegments.segments(List.of(noWindows, early, shortFile), 1_600, 0.2)).isEmpty();
    }
}
