package io.vigil.boot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks a port is free before a server binds it, so a clash is one clear line, not a stack trace. */
public final class Ports {

    private Ports() {
    }

    public static void requireFree(String host, int port, String variable) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new StartupException("port " + port + " is in use (" + e.getMessage()
                    + "); set " + variable + " to a free port");
        }
    }

    /**
     * A port that was free a moment ago (tests and tools), chosen below the kernel's ephemeral range. A port from
     * {@code new ServerSocket(0)} lies inside that range, where any process's outgoing connection may take it as its
     * local port before the server meant for it binds it (seen once: "Address already in use" right after PostgreSQL
     * restarted and its clients reconnected).
     */
    public static int free() {
        int below = ephemeralLow();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(10_000, below);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** The first port of the kernel's ephemeral range (Linux), or 32768. */
    private static int ephemeralLow() {
        try {
            String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            int low = Integer.parseInt(range.trim().split("\\s+")[0]);
            return low > 11_000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
