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

    /** A port that was free a moment ago (tests and tools). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
