package io.vigil.ledger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * The embedded dev chain: Ganache from the project's own npm install ({@code contracts/node_modules}),
 * its chain kept in {@code <data>/ledger/chain} so a restart keeps the ledger. Its two funded accounts
 * (owner, server writer) get keys generated once into {@code <data>/ledger/dev-keys.properties}: no
 * well-known key is used, and none is in the repository.
 */
public final class DevChain implements AutoCloseable {

    /** coreutils' nice, to start the dev chain at a lower CPU priority than Vigil; null where there is none. */
    private static final String NICE = Files.isExecutable(Path.of("/usr/bin/nice")) ? "/usr/bin/nice"
            : Files.isExecutable(Path.of("/bin/nice")) ? "/bin/nice" : null;

    private static final Logger LOG = LoggerFactory.getLogger(DevChain.class);
    public static final long CHAIN_ID = 1337;

    private static final long RESTART_MIN_MS = 1_000;
    private static final long RESTART_MAX_MS = 30_000;

    private final Path ganache;
    private final Path ledgerDir;
    private final int port;
    private final Properties keys;
    private final String url;
    private final Credentials owner;
    private final Credentials writer;
    private volatile Process process;
    private volatile boolean closed;
    private long restartDelayMs = RESTART_MIN_MS;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.ScheduledExecutorService watchdog =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vigil-devchain-watchdog");
                t.setDaemon(true);
                return t;
            });

    private DevChain(Path ganache, Path ledgerDir, int port, Properties keys) {
        this.ganache = ganache;
        this.ledgerDir = ledgerDir;
        this.port = port;
        this.keys = keys;
        this.url = "http://127.0.0.1:" + port;
        this.owner = Credentials.create(keys.getProperty("owner"));
        this.writer = Credentials.create(keys.getProperty("writer"));
    }

    /** Starts Ganache on 127.0.0.1:port and waits until it answers JSON-RPC. */
    public static DevChain start(Path ganache, Path ledgerDir, int port, Duration startTimeout) {
        if (!Files.isExecutable(ganache)) {
            throw new DevChainException("the dev chain needs " + ganache + " (run `mvn package` once, which installs it"
                    + " with npm), or set VIGIL_ETH_URL to use another Ethereum node");
        }
        try {
            Files.createDirectories(ledgerDir.resolve("chain"));
            stopOrphan(ledgerDir);
            Properties keys = devKeys(ledgerDir.resolve("dev-keys.properties"));
            DevChain chain = new DevChain(ganache, ledgerDir, port, keys);
            chain.spawn();
            try {
                chain.awaitReady(startTimeout);
            } catch (DevChainException e) {
                chain.close();
                throw e;
            }
            LOG.info("dev chain (Ganache) at {}, chain id {}, data {}", chain.url, CHAIN_ID, ledgerDir.resolve("chain"));
            chain.watch();
            return chain;
        } catch (IOException e) {
            throw new DevChainException("cannot start the dev chain " + ganache + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts devchain.js (next to node_modules), which runs Ganache in-process behind a JSON-RPC gate and stops it
     * when this JVM goes away. Its options, keys included, go over its stdin: never on a command line (§4). It runs
     * under {@code nice -n 10}: mining anchors can wait, the packets' pipeline on the same cores cannot (Ganache took up
     * to half a core under load; at 1,000 msg/s on a 2-core machine p99 was 367–1,003 ms with it, 521–1,133 without).
     */
    private void spawn() throws IOException {
        Path wrapper = ganache.toAbsolutePath().getParent().getParent().getParent().resolve("devchain.js");
        List<String> command = new ArrayList<>();
        if (NICE != null) {
            command.addAll(List.of(NICE, "-n", "10"));
        }
        command.addAll(List.of("node", wrapper.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(ledgerDir.resolve("ganache.log").toFile()));
        Process started = builder.start();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var config = json.createObjectNode();
        config.put("host", "127.0.0.1");
        config.put("port", port);
        var options = config.putObject("ganache");
        options.putObject("chain").put("chainId", CHAIN_ID).put("networkId", CHAIN_ID);
        options.putObject("database").put("dbPath", ledgerDir.resolve("chain").toAbsolutePath().toString());
        options.putObject("miner").put("blockGasLimit", "0x1C9C380");
        var accounts = options.putObject("wallet").putArray("accounts");
        for (String name : new String[] {"owner", "writer"}) {
            accounts.addObject().put("secretKey", keys.getProperty(name)).put("balance", "0x3635C9ADC5DEA00000");
        }
        var stdin = started.getOutputStream();
        stdin.write((json.writeValueAsString(config) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush(); // and kept open: its end tells the chain that Vigil is gone
        Files.writeString(ledgerDir.resolve("ganache.pid"), String.valueOf(started.pid()));
        process = started;
    }

    /**
     * A dev chain that dies (killed, crashed) is started again on the same port and chain data, with back-off
     * (1 s doubling to 30 s), so the ledger outbox drains again without a restart of Vigil.
     */
    private void watch() {
        Process watched = process;
        watched.onExit().thenRun(() -> {
            if (closed) {
                return;
            }
            // Said when the restart is due, not now: a Ctrl-C reaches the chain a moment before Vigil starts stopping,
            // and an expected exit is no warning.
            int code = watched.exitValue();
            long pid = watched.pid();
            lastExit = () -> LOG.warn("the dev chain (pid {}) exited with code {}; starting it again", pid, code);
            scheduleRestart();
        });
    }

    /** The warning of the exit that the next restart answers (logged only if that restart happens). */
    private volatile Runnable lastExit = () -> { };

    private void scheduleRestart() {
        try {
            watchdog.schedule(this::restart, restartDelayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private synchronized void restart() {
        if (closed) {
            return;
        }
        lastExit.run();
        lastExit = () -> { };
        try {
            spawn();
            awaitReady(Duration.ofSeconds(60));
            restarts.incrementAndGet();
            restartDelayMs = RESTART_MIN_MS;
            LOG.info("dev chain started again at {} (restart {})", url, restarts.get());
            watch();
        } catch (RuntimeException | IOException e) {
            restartDelayMs = Math.min(RESTART_MAX_MS, restartDelayMs * 2);
            LOG.warn("the dev chain did not start again ({}); next try in {} ms", e.getMessage(), restartDelayMs);
            Process failed = process;
            if (failed != null && failed.isAlive()) {
                failed.destroyForcibly();
            }
            scheduleRestart();
        }
    }

    /** How often the dev chain was started again after it died. */
    public int restarts() {
        return restarts.get();
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new DevChainException("the dev chain exited with code " + process.exitValue()
                        + " (see ganache.log in the ledger data dir; is its port free?)");
            }
            try {
                HttpResponse<String> answer = http.send(probe, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (answer.statusCode() == 200 && answer.body().contains("\"result\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop(process);
        throw new DevChainException("the dev chain did not answer at " + url + " within " + timeout.toSeconds() + " s");
    }

    /**
     * A Ganache left running by a Vigil that was killed (kill -9 runs no shutdown hook) holds the chain's
     * files and port: stop it first.
     */
    public static void stopOrphan(Path ledgerDir) throws IOException {
        Path pidFile = ledgerDir.resolve("ganache.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (NumberFormatException e) {
            return;
        }
        ProcessHandle.of(pid).filter(h -> h.info().commandLine().map(c -> c.contains("ganache") || c.contains("devchain.js")).orElse(false))
                .ifPresent(h -> {
                    LOG.warn("stopping the dev chain left running by an earlier Vigil (pid {})", pid);
                    h.destroy();
                    try {
                        h.onExit().get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        h.destroyForcibly();
                    }
                });
    }

    private static Properties devKeys(Path file) throws IOException {
        Properties keys = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                keys.load(in);
            }
            return keys;
        }
        keys.setProperty("owner", newKey());
        keys.setProperty("writer", newKey());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newOutputStream(tmp)) {
            keys.store(out, "Vigil dev chain accounts (generated once; dev only)");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return keys;
    }

    private static String newKey() {
        try {
            ECKeyPair pair = Keys.createEcKeyPair();
            return Numeric.toHexStringWithPrefixZeroPadded(pair.getPrivateKey(), 64);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a dev account key", e);
        }
    }

    public String url() {
        return url;
    }

    public Credentials owner() {
        return owner;
    }

    public Credentials writer() {
        return writer;
    }

    /**
     * Vigil is stopping: from now on the chain's exit is expected and not restarted (Ctrl-C or a signal to the
     * process group reaches the chain before Camel has stopped).
     */
    public void stopping() {
        closed = true;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        synchronized (this) {
            stop(process);
        }
        try {
            // Stopped cleanly: no orphan for the next start to look for.
            Files.deleteIfExists(ledgerDir.resolve("ganache.pid"));
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", ledgerDir.resolve("ganache.pid"), e.getMessage());
        }
    }

    private static void stop(Process process) {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
