package io.vigil.ml.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A stand-in for NAB's short files that this project does not have (realAdExchange about 1,600 rows, realTraffic
 * 1,100–2,500): segments of the files present, each scored as a file of its own. A segment has {@code rows} rows and
 * starts so that its file's first window begins {@code at} of the way in; it keeps the windows that lie wholly inside
 * it. A file too short for that is left out. The detector sees only the segment, so it meets an anomaly early, with
 * little history, as in those files.
 *
 * <pre>java -cp target/vigil.jar io.vigil.ml.eval.NabSegments [nab folder] [rows, 1600] [at, 0.2]</pre>
 */
public final class NabSegments {

    private NabSegments() {
    }

    /** The segments of {@code series} (files without windows give none). */
    static List<NabRun.Series> segments(List<NabRun.Series> series, int rows, double at) {
        List<NabRun.Series> out = new ArrayList<>();
        for (NabRun.Series s : series) {
            if (s.windows().isEmpty()) {
                continue;
            }
            int n = s.values().length;
            int firstWindow = 0;
            while (firstWindow < n && s.times()[firstWindow] < s.windows().get(0)[0]) {
                firstWindow++;
            }
            int from = firstWindow - (int) (at * rows);
            if (from < 0 || from + rows > n) {
                continue;
            }
            long[] times = Arrays.copyOfRange(s.times(), from, from + rows);
            List<long[]> windows = s.windows().stream()
                    .filter(w -> w[0] >= times[0] && w[1] <= times[rows - 1]).toList();
            out.add(new NabRun.Series(s.name(), times, Arrays.copyOfRange(s.values(), from, from + rows), windows));
        }
        return out;
    }

    public static void main(String[] args) {
        Path nab = Path.of(args.length > 0 ? args[0] : "../shared/data/nab");
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1600;
        double at = args.length > 2 ? Double.parseDouble(args[2]) : 0.2;
        List<NabRun.Series> segments = segments(NabRun.series(nab), rows, at);
        List<NabScorer.DataFile> corpus = segments.parallelStream().map(s -> new NabScorer.DataFile(s.name(), s.times(),
                NabDetector.scores(s.values(), s.times()), s.windows())).toList();
        long windows = corpus.stream().mapToLong(f -> f.windows().size()).sum();
        System.out.printf(Locale.ROOT, "%d segments of %d rows, first window %.0f %% in, %d windows%n", corpus.size(),
                rows, at * 100, windows);
        for (NabScorer.Profile p : NabScorer.PROFILES) {
            NabScorer.Result r = NabScorer.score(corpus, p);
            System.out.printf(Locale.ROOT, "%-20s threshold %.4f  NAB score %.1f%n", p.name(), r.threshold(), r.normalised());
        }
    }
}
