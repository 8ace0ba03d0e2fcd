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

    public HealthCheck(DataSource dataSource, String brokerUrl, io.vigil.ledger.LedgerConnector ledger, MlEnricher ml) {
        this.ml = ml;
        this.dataSource = dataSource;
        this.broker = URI.create(brokerUrl);
        this.ledger = ledger;
    }

    public Map<String, Object> report() {
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("database", database());
        parts.put("broker", broker());
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

    private Map<String, Object> database() {
        try (Connection c = dataSource.getConnection()) {
            return Map.of("status", c.isValid(2) ? "up" : "down");
        } catch (Exception e) {
            return Map.of("status", "down", "error", String.valueOf(e.getMessage()));
        }
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

    private Map<String, Object> broker() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(broker.getHost(), broker.getPort() < 0 ? 1883 : broker.getPort()), 2000);
            return Map.of("status", "up", "url", broker.toString());
        } catch (IOException e) {
            return Map.of("status", "down", "url", broker.toString(), "error", String.valueOf(e.getMessage()));
        }
    }
}
