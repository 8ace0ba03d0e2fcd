package io.vigil;

import io.vigil.boot.StartupException;
import io.vigil.boot.VigilApp;
import io.vigil.boot.VigilConfig;
import io.vigil.cli.LoadGenerator;
import io.vigil.cli.FleetCommand;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Command line: {@code run} (default) the system, {@code simulate} a fleet, {@code loadgen}, {@code sign} a demo packet, {@code audit} an export against the chain. */
public final class Vigil {

    private Vigil() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "run" -> run();
                case "simulate" -> System.exit(FleetCommand.main(rest));
                case "loadgen" -> System.exit(LoadGenerator.main(rest));
                case "sign" -> System.exit(io.vigil.cli.SignCommand.main(rest));
                case "audit" -> System.exit(io.vigil.cli.AuditCommand.main(rest));
                case "evaluate" -> System.exit(io.vigil.ml.eval.Evaluation.main(java.util.List.of(rest), System.out));
                case "ml-bench" -> System.exit(io.vigil.ml.eval.MlBenchmark.main(java.util.List.of(rest), System.out));
                case "tls" -> System.exit(tls(rest));
                case "class-archive" -> System.exit(io.vigil.cli.ClassArchiveCommand.main(rest));
                default -> {
                    System.err.println("usage: vigil [run | simulate --help | loadgen --help | sign --help | audit --help | evaluate [--nab DIR] | ml-bench | tls --help | class-archive]");
                    System.exit(2);
                }
            }
        } catch (StartupException e) {
            System.err.println("vigil: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            // HiveMQ replaces the uncaught-exception handler, so a start-up failure must exit here.
            System.err.println("vigil: failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** {@code vigil tls --dir D --hostnames a,b}: the dev CA and server certificate into D/tls (for a Secret). */
    private static int tls(String[] argv) {
        io.vigil.cli.Args args = new io.vigil.cli.Args(argv);
        if (args.has("help") || !args.has("dir")) {
            System.err.println("usage: vigil tls --dir <data dir> [--hostnames name1,name2] [--issue <name>]\n"
                    + "  Writes <dir>/tls/{server.p12,truststore.p12,keystore-password,ca.pem}; existing files are kept.\n"
                    + "  --issue <name>: also a certificate signed by that dev CA, for a broker (--hostnames) or an MQTT\n"
                    + "  client: <dir>/tls/<name>.p12 (password: keystore-password), <name>.crt.pem, <name>.key.pem.");
            return args.has("help") ? 0 : 2;
        }
        if (args.has("issue")) {
            io.vigil.boot.DevTls.Issued issued = io.vigil.boot.DevTls.issue(java.nio.file.Path.of(args.get("dir", ".")),
                    args.get("issue", ""), java.util.Arrays.stream(args.get("hostnames", "").split(","))
                            .map(String::trim).filter(h -> !h.isEmpty()).toList());
            System.out.println("PKCS12      " + issued.p12() + "\ncertificate " + issued.certPem() + "\nkey         "
                    + issued.keyPem());
            return 0;
        }
        io.vigil.boot.DevTls.Material m = io.vigil.boot.DevTls.ensure(java.nio.file.Path.of(args.get("dir", ".")),
                java.util.Arrays.stream(args.get("hostnames", "").split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList());
        System.out.println("key store   " + m.keyStore() + "\ntrust store " + m.trustStore() + "\nCA (PEM)    " + m.caPem());
        return 0;
    }

    private static void run() {
        VigilApp app = new VigilApp(VigilConfig.load(System.getenv(), Map.of()));
        java.util.concurrent.atomic.AtomicReference<io.vigil.sim.DemoFleet> fleet =
                new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before the start: a stop (Ctrl-C, SIGTERM) during start-up waits for it, then closes what started.
        // Registered after, such a stop failed the start ("Shutdown in progress") and the JVM exited with ONNX Runtime
        // still running, which crashed in native code.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (fleet.get() != null) {
                fleet.get().close();
            }
            app.close();
            stopped.countDown();
        }, "vigil-shutdown"));
        try {
            app.start();
            fleet.set(io.vigil.sim.DemoFleet.startBeside(app));
        } finally {
            started.countDown();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
