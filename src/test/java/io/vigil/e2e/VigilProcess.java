package io.vigil.e2e;

import static org.awaitility.Awaitility.await;

import io.vigil.boot.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The packaged application started as a user would: {@code java -jar target/vigil.jar}, configured by environment. */
final class VigilProcess implements AutoCloseable {

    final Path dataDir;
    final int httpPort;
    final Map<String, String> env = new HashMap<>();
    private Process process;
    private int starts;

    VigilProcess(Path dataDir) {
        this.dataDir = dataDir;
        this.httpPort = Ports.free();
        env.put("VIGIL_DATA_DIR", dataDir.toString());
        env.put("VIGIL_HTTP_PORT", String.valueOf(httpPort));
        env.put("VIGIL_MQTT_PORT", String.valueOf(Ports.free()));
        env.put("VIGIL_MQTT_TLS_PORT", String.valueOf(Ports.free()));
        env.put("VIGIL_SIMULATOR_DEVICES", "0");
        env.put("VIGIL_ADMIN_TOKEN", "it-admin-token");
        env.put("VIGIL_OPERATOR_TOKEN", "it-operator-token");
        env.put("VIGIL_VIEWER_TOKEN", "it-viewer-token");
        env.put("VIGIL_GATEWAY_TOKEN", "it-gateway-token");
        env.put("VIGIL_GATEWAY_ID", "gw-it");
        env.put("VIGIL_LEDGER_DEV_PORT", String.valueOf(Ports.free()));
    }

    VigilProcess with(String name, String value) {
        env.put(name, value);
        return this;
    }

    String env(String name) {
        return env.get(name);
    }

    String mqttUrl() {
        return env.getOrDefault("VIGIL_MQTT_URL", "tcp://127.0.0.1:" + env.get("VIGIL_MQTT_PORT"));
    }

    /** Starts a process without an HTTP server (VIGIL_ROLE=gateway) and waits for its start banner. */
    VigilProcess startWithoutHttp() throws IOException {
        Path log = launch();
        await("gateway start (log: " + log + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("vigil exited with " + process.exitValue() + ":\n" + Files.readString(log));
                    }
                    return Files.readString(log).contains("Vigil is running");
                });
        return this;
    }

    private Path launch() throws IOException {
        String jar = System.getProperty("vigil.jar", "target/vigil.jar");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-jar", jar);
        builder.environment().putAll(env);
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("vigil-" + (++starts) + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        process = builder.start();
        return log;
    }

    /** Starts the process and waits until /health answers. */
    VigilProcess start() throws IOException {
        Path log = launch();
        Api api = api();
        await("application start (log: " + log + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("vigil exited with " + process.exitValue() + ":\n" + Files.readString(log));
                    }
                    return api.healthStatus() == 200;
                });
        return this;
    }

    /** Runs the application expecting it to stop by itself; returns its exit code and output. */
    Object[] runToExit() throws IOException, InterruptedException {
        String jar = System.getProperty("vigil.jar", "target/vigil.jar");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar);
        builder.environment().putAll(env);
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("vigil-exit.log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process run = builder.start();
        if (!run.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            run.destroyForcibly().waitFor();
            throw new AssertionError("vigil did not exit within 60 s:\n" + Files.readString(log));
        }
        return new Object[] {run.exitValue(), Files.readString(log)};
    }

    Api api() {
        return new Api("https://localhost:" + httpPort, dataDir.resolve("tls").resolve("ca.pem"));
    }

    /** kill -9: no shutdown hook, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** A normal stop (SIGTERM, shutdown hook). */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** SIGTERM, and what the process logged from then on (its shutdown). */
    String stopAndReadShutdown() throws Exception {
        Path log = dataDir.resolve("vigil-" + starts + ".log");
        long before = java.nio.file.Files.size(log);
        stop();
        byte[] all = java.nio.file.Files.readAllBytes(log);
        return new String(all, (int) before, all.length - (int) before, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
