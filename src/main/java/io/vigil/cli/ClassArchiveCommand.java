package io.vigil.cli;

import io.vigil.boot.Ports;
import io.vigil.boot.VigilApp;
import io.vigil.boot.VigilConfig;
import io.vigil.db.Tx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code vigil class-archive}: the training run of application class-data sharing. It starts the whole system as
 * {@code run} does (embedded broker, H2, dev chain, demo fleet) on a temporary data dir and free ports, waits until
 * the demo fleet's first packets are stored (so the hot path's classes are loaded too), and stops. Run under
 * {@code -XX:ArchiveClassesAtExit=target/vigil.jsa} (the {@code ./vigil} script does, once per build), the classes it
 * loaded become the archive that {@code ./vigil run} starts from: about 3 s less of a 10-11 s start on two cores
 * (docs/performance.md). It refuses to run with {@code VIGIL_*} variables set (Camel would read them over its own
 * data dir and ports), so nothing of the user's is touched.
 */
public final class ClassArchiveCommand {

    private static final int STORED_LOGS = 10;
    private static final long WAIT_MS = 60_000;

    private ClassArchiveCommand() {
    }

    public static int main(String[] args) throws IOException {
        if (System.getenv().keySet().stream().anyMatch(name -> name.startsWith("VIGIL_"))) {
            System.err.println("vigil class-archive: run it without VIGIL_* variables (the ./vigil script does)");
            return 2;
        }
        Path dir = Files.createTempDirectory("vigil-class-archive");
        try {
            VigilApp app = new VigilApp(VigilConfig.load(Map.of(), Map.of(
                    "vigil.data.dir", dir.toString(),
                    "vigil.http.port", String.valueOf(Ports.free()),
                    "vigil.mqtt.port", String.valueOf(Ports.free()),
                    "vigil.mqtt.tls-port", "0",
                    "vigil.ledger.dev-port", String.valueOf(Ports.free())))).start();
            io.vigil.sim.DemoFleet fleet = io.vigil.sim.DemoFleet.startBeside(app);
            try {
                long deadline = System.currentTimeMillis() + WAIT_MS;
                while (stored(app) < STORED_LOGS && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200); // the demo fleet publishes once a second; nothing to be notified of here
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (fleet != null) {
                    fleet.close();
                }
                app.close();
            }
            return 0;
        } finally {
            delete(dir);
        }
    }

    private static long stored(VigilApp app) {
        return Tx.read(app.dataSource(), c -> ((Number) Tx.rows(c, "select count(*) as n from logs").get(0).get("n"))
                .longValue());
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
