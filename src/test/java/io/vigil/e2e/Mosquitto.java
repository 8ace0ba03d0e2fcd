package io.vigil.e2e;

import static org.awaitility.Awaitility.await;

import io.vigil.boot.Ports;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Mosquitto broker of the test's own on a free port: unlimited queue for offline durable sessions, and
 * persistence, so a restart keeps sessions and the QoS 1 messages queued for them.
 */
final class Mosquitto implements AutoCloseable {

    final int port = Ports.free();
    private final Path dir;
    private final Path conf;
    private Process process;

    Mosquitto(Path dir) throws IOException {
        this(dir, "");
    }

    /** {@code listenerOptions}: lines for the listener (TLS files, require_certificate, ...). */
    Mosquitto(Path dir, String listenerOptions) throws IOException {
        this(dir, listenerOptions, "allow_anonymous true\n");
    }

    /** {@code securityOptions}: allow_anonymous, password_file, acl_file, ... */
    Mosquitto(Path dir, String listenerOptions, String securityOptions) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        conf = dir.resolve("mosquitto.conf");
        // Run as root, Mosquitto drops to user mosquitto and then cannot write its persistence file here.
        String user = "root".equals(System.getProperty("user.name")) ? "user root\n" : "";
        Files.writeString(conf, user + "listener " + port + " 127.0.0.1\n" + listenerOptions + securityOptions + "persistence true\n"
                + "persistence_location " + dir.toAbsolutePath() + "/\n"
                + "max_queued_messages 0\nmax_inflight_messages 0\n");
        start();
    }

    private void start() throws IOException {
        process = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        await("mosquitto on " + port).atMost(Duration.ofSeconds(20)).until(() -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** A graceful restart (SIGTERM: Mosquitto writes its persistence file), then up again on the same port. */
    void restart() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor();
        start();
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
