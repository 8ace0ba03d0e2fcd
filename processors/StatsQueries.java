package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.MerkleTree;
import io.vigil.db.Tx;
import io.vigil.ledger.Ledger;
import io.vigil.ledger.LedgerConnector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** GET /stats: the pipeline's counters. */
public class StatsQueries {

    private final DataSource dataSource;

    public StatsQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Map<String, Object> stats() {
        return Tx.read(dataSource, c -> {
            Map<String, Long> gateway = new LinkedHashMap<>();
            for (Map<String, Object> row : Tx.rows(c, "select name, sum(total) as total from gateway_counters group by name")) {
                gateway.put((String) row.get("name"), ((Number) row.get("total")).longValue());
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("received", gateway.getOrDefault("received", 0L));
            s.put("accepted", gateway.getOrDefault("accepted", 0L));
            s.put("duplicates", gateway.getOrDefault("duplicates", 0L));
            // Counters kept in the writing transactions (io.vigil.db.Counters): the same cost at any table size.
            Map<String, Long> counters = io.vigil.db.Counters.all(c);
            s.put("stored", counters.getOrDefault("stored", 0L));
            Map<String, Object> security = new LinkedHashMap<>();
            for (io.vigil.model.SecurityEventKind kind : io.vigil.model.SecurityEventKind.values()) {
                security.put(kind.wire(), counters.getOrDefault("security:" + kind.wire(), 0L));
            }
            s.put("security_events", security);
            s.put("batches", counters.getOrDefault("batches", 0L));
            s.put("anchored", counters.getOrDefault("anchored", 0L));
            s.put("alerts", counters.getOrDefault("security_incidents", 0L) + counters.getOrDefault("ml_alerts", 0L));
            s.put("ml_alerts", counters.getOrDefault("ml_alerts", 0L));
            s.put("ml_anomalous_logs", counters.getOrDefault("ml_anomalous_logs", 0L));
            return s;
        });
    }
}
