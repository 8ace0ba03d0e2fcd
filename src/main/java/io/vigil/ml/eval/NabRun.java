package io.vigil.ml.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The streaming detector over the NAB data files present, scored by {@link NabScorer}, beside the scoreboard. */
public final class NabRun {

    /** Bar of the issue: NAB standard profile. */
    public static final double STANDARD_BAR = 60;

    private NabRun() {
    }

    public static boolean run(Path nab, PrintStream out) {
        long started = System.nanoTime();
        List<NabScorer.DataFile> corpus = corpus(nab);
        long rows = corpus.stream().mapToLong(f -> f.times().length).sum();
        long windows = corpus.stream().mapToLong(f -> f.windows().size()).sum();
        out.printf(Locale.ROOT, "%d files, %d rows, %d windows, detector: %s (%.1f s)%n", corpus.size(), rows, windows,
                NabDetector.DESCRIPTION, (System.nanoTime() - started) / 1e9);
        out.printf("%-20s %10s %10s %10s %10s %10s%n", "profile", "threshold", "raw", "null", "perfect", "NAB score");
        boolean pass = true;
        for (NabScorer.Profile p : NabScorer.PROFILES) {
            NabScorer.Result r = NabScorer.score(corpus, p);
            out.printf(Locale.ROOT, "%-20s %10.4f %10.2f %10.2f %10.2f %10.1f%n", p.name(), r.threshold(), r.score(),
                    r.nullScore(), r.perfectScore(), r.normalised());
            if (p.name().equals("standard") && r.normalised() < STANDARD_BAR) {
                out.printf(Locale.ROOT, "BELOW BAR: NAB standard %.1f < %.0f%n", r.normalised(), STANDARD_BAR);
                pass = false;
            }
        }
        out.println("NAB scoreboard (full 58-file corpus; standard / low FP / low FN): Numenta HTM 70.5 / 62.6 / 75.2,"
                + " ARTime 74.9 / 65.1 / 78.0, Random Cut Forest 51.7 / 38.4 / 59.7");
        return pass;
    }

    /** One NAB data file as read: its name (category/file.csv), row times in seconds, values and windows. */
    public record Series(String name, long[] times, double[] values, List<long[]> windows) {
    }

    /** Every data file under {@code nab/data} that the windows file names, with the detector's scores. */
    public static List<NabScorer.DataFile> corpus(Path nab) {
        return series(nab).parallelStream().map(f -> new NabScorer.DataFile(f.name(), f.times(),
                NabDetector.scores(f.values(), f.times()), f.windows())).toList();
    }

    /** Every data file under {@code nab/data} that the windows file names, as read. */
    public static List<Series> series(Path nab) {
        try {
            JsonNode windows = new ObjectMapper().readTree(nab.resolve("labels/combined_windows.json").toFile());
            List<Path> files;
            try (Stream<Path> s = Files.walk(nab.resolve("data"))) {
                files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
            }
            List<Series> corpus = new ArrayList<>();
            for (Path file : files) {
                String key = nab.resolve("data").relativize(file).toString().replace('\\', '/');
                if (!windows.has(key)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                int n = lines.size() - 1;
                long[] times = new long[n];
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    String[] c = lines.get(i + 1).split(",");
                    times[i] = seconds(c[0]);
                    values[i] = Double.parseDouble(c[1]);
                }
                List<long[]> w = new ArrayList<>();
                for (JsonNode pair : windows.get(key)) {
                    w.add(new long[] {seconds(pair.get(0).asText()), seconds(pair.get(1).asText())});
                }
                corpus.add(new Series(key, times, values, w));
            }
            return corpus;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read NAB data under " + nab, e);
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    static long seconds(String text) {
        String t = text.trim();
        if (t.length() > 19) {
            t = t.substring(0, 19);
        }
        return LocalDateTime.parse(t, TIME).toEpochSecond(ZoneOffset.UTC);
    }
}
