package io.vigil.ledger;

import io.vigil.boot.StartupException;
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

    private static final Logger LOG = LoggerFactory.getLogger(DevChain.class);
    public static final long CHAIN_ID = 1337;

    private final Process process;
    private final String url;
    private final Credentials owner;
    private final Credentials writer;

    private DevChain(Process process, String url, Credentials owner, Credentials writer) {
        this.process = process;
        this.url = url;
        this.owner = owner;
        this.writer = writer;
    }

    /** Starts Ganache on 127.0.0.1:port and waits until it answers JSON-RPC. */
    public static DevChain start(Path ganache, Path ledgerDir, int port, Duration startTimeout) {
        if (!Files.isExecutable(ganache)) {
            throw new StartupException("the dev chain needs " + ganache + " (run `mvn package` once, which installs it"
                    + " with npm), or set VIGIL_ETH_URL to use another Ethereum node");
        }
        try {
            Files.createDirectories(ledgerDir.resolve("chain"));
            stopOrphan(ledgerDir);
            Properties keys = devKeys(ledgerDir.resolve("dev-keys.properties"));
            Credentials owner = Credentials.create(keys.getProperty("owner"));
            Credentials writer = Credentials.create(keys.getProperty("writer"));
            // Through devchain.js (next to node_modules), which stops Ganache when this JVM goes away.
            Path wrapper = ganache.toAbsolutePath().getParent().getParent().getParent().resolve("devchain.js");
            List<String> command = new ArrayList<>(List.of("node", wrapper.toString(), ganache.toString(),
                    "--server.host", "127.0.0.1", "--server.port", String.valueOf(port),
                    "--chain.chainId", String.valueOf(CHAIN_ID), "--chain.networkId", String.valueOf(CHAIN_ID),
                    "--database.dbPath", ledgerDir.resolve("chain").toAbsolutePath().toString(),
                    "--wallet.accounts", keys.getProperty("owner") + ",0x3635C9ADC5DEA00000",
                    "--wallet.accounts", keys.getProperty("writer") + ",0x3635C9ADC5DEA00000",
                    "--miner.blockGasLimit", "0x1C9C380",
                    "--logging.quiet"));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(ledgerDir.resolve("ganache.log").toFile()));
            Process process = builder.start();
            Files.writeString(ledgerDir.resolve("ganache.pid"), String.valueOf(process.pid()));
            String url = "http://127.0.0.1:" + port;
            DevChain chain = new DevChain(process, url, owner, writer);
            chain.awaitReady(startTimeout);
            LOG.info("dev chain (Ganache) at {}, chain id {}, data {}", url, CHAIN_ID, ledgerDir.resolve("chain"));
            return chain;
        } catch (IOException e) {
            throw new StartupException("cannot start the dev chain " + ganache + ": " + e.getMessage(), e);
        }
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
                throw new StartupException("the dev chain exited with code " + process.exitValue()
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
        close();
        throw new StartupException("the dev chain did not answer at " + url + " within " + timeout.toSeconds() + " s");
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
        ProcessHandle.of(pid).filter(h -> h.info().commandLine().map(c -> c.contains("ganache")).orElse(false))
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

    @Override
    public void close() {
        if (process.isAlive()) {
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
