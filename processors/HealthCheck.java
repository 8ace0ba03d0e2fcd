package io.vigil.processors;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** GET /health: each part's state; 200 when every configured part is up, 503 otherwise. */
public class HealthCheck {

    private final DataSource dataSource;
    private final URI broker;
    private final io.vigil.ledger.LedgerConnector ledger;

    private final MlEnricher ml;

    private final java.nio.file.Path dataDir;
    private final java.util.List<java.nio.file.Path> diskPaths;
    private final boolean embeddedBroker;
    private final long minFreeBytes;
    private volatile boolean databaseUp = true;

    /**
     * {@code dataDir}: where the embedded broker writes, and {@code databaseDir} (or null) where an H2 database does;
     * below {@code minFreeMb} MiB free in either the disk is reported full (and with the data dir's, the broker).
     */
    public HealthCheck(DataSource dataSource, String brokerUrl, io.vigil.ledger.LedgerConnector ledger, MlEnricher ml,
            java.nio.file.Path dataDir, java.nio.file.Path databaseDir, boolean embeddedBroker, long minFreeMb) {
        this.dataDir = dataDir;
        this.diskPaths = databaseDir == null || databaseDir.equals(dataDir) ? java.util.List.of(dataDir)
                : java.util.List.of(dataDir, databaseDir);
        this.embeddedBroker = embeddedBroker;
        this.minFreeBytes = minFreeMb * 1024 * 1024;
        this.ml = ml;
        this.dataSource = dataSource;
        this.broker = URI.create(brokerUrl);
        this.ledger = ledger;
    }

    public Map<String, Object> report() {
        Map<String, Object> parts = new LinkedHashMap<>();
        Map<String, Object> disk = disk();
        parts.put("database", database());
        parts.put("broker", broker(disk));
        parts.put("disk", disk);
        parts.put("ledger", ledger());
        parts.put("ml", ml == null ? Map.of("status", "not_configured") : ml.describe());
        boolean up = parts.values().stream().map(p -> ((Map<?, ?>) p).get("status"))
                .allMatch(s -> "up".equals(s) || "not_configured".equals(s));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("status", up ? "up" : "down");
        report.put("parts", parts);
        return report;
    }

    public int httpStatus(Map<String, Object> report) {
        return "up".equals(report.get("status")) ? 200 : 503;
    }

    /** Up only if it can write: a one-row update committed (a full disk answers reads but not writes). */
    private Map<String, Object> database() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (java.sql.PreparedStatement probe = c.prepareStatement("update health_probe set checked_at = ? where id = 1")) {
                probe.setLong(1, System.currentTimeMillis());
                probe.executeUpdate();
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
            databaseUp = true;
            return Map.of("status", "up");
        } catch (Exception e) {
            // /health needs no token: the reason in general words and its SQL state, the details in the log.
            if (databaseUp) {
                org.slf4j.LoggerFactory.getLogger(HealthCheck.class).warn("database cannot write: {}",
                        firstLine(e.getMessage()));
            }
            databaseUp = false;
            String state = e instanceof java.sql.SQLException sql ? sql.getSQLState()
                    : e.getCause() instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
            return Map.of("status", "down", "error", "cannot write: the database refused or did not answer"
                    + (state == null ? "" : " (SQL state " + state + ")") + "; see the server log");
        }
    }

    /** Free space where the data dir is, and where an H2 database is if elsewhere: the fullest of them. */
    private Map<String, Object> disk() {
        Map<String, Object> worst = null;
        for (java.nio.file.Path path : diskPaths) {
            Map<String, Object> d = disk(path);
            if (worst == null || "down".equals(d.get("status")) && !"down".equals(worst.get("status"))) {
                worst = d;
            }
        }
        return worst;
    }

    private Map<String, Object> disk(java.nio.file.Path path) {
        try {
            java.nio.file.Path existing = path;
            while (existing != null && !java.nio.file.Files.exists(existing)) {
                existing = existing.getParent();
            }
            long free = java.nio.file.Files.getFileStore(existing == null ? path : existing).getUsableSpace();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("status", free < minFreeBytes ? "down" : "up");
            d.put("where", path.equals(dataDir) ? "data dir" : "database dir");
            d.put("free_bytes", free);
            if (free < minFreeBytes) {
                d.put("error", "disk full: " + free / (1024 * 1024) + " MiB free, at least " + minFreeBytes / (1024 * 1024)
                        + " MiB needed");
            }
            return d;
        } catch (IOException e) {
            return Map.of("status", "down", "where", path.equals(dataDir) ? "data dir" : "database dir",
                    "error", "cannot read the free space");
        }
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private Map<String, Object> ledger() {
        if (ledger == null) {
            return Map.of("status", "not_configured");
        }
        var chain = ledger.get();
        if (chain.isEmpty()) {
            return Map.of("status", "down", "url", ledger.rpcUrl(), "error", String.valueOf(ledger.lastError()));
        }
        try {
            return Map.of("status", "up", "url", ledger.rpcUrl(), "block_number", chain.get().blockNumber());
        } catch (IOException e) {
            return Map.of("status", "down", "url", ledger.rpcUrl(), "error", String.valueOf(e.getMessage()));
        }
    }

    private Map<String, Object> broker(Map<String, Object> disk) {
        if (embeddedBroker && "down".equals(disk.get("status"))
                && "data dir".equals(disk.get("where"))) {
            return Map.of("status", "down", "url", broker.toString(), "error", "the embedded broker cannot write: "
                    + disk.get("error"));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(broker.getHost(), broker.getPort() < 0 ? 1883 : broker.getPort()), 2000);
            return Map.of("status", "up", "url", broker.toString());
        } catch (IOException e) {
            return Map.of("status", "down", "url", broker.toString(), "error", String.valueOf(e.getMessage()));
        }
    }
}
