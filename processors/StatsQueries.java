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
            s.put("stored", ApiParams.count(c, "select count(*) as n from logs"));
            Map<String, Object> security = new LinkedHashMap<>();
            for (io.vigil.model.SecurityEventKind kind : io.vigil.model.SecurityEventKind.values()) {
                security.put(kind.wire(), 0L);
            }
            for (Map<String, Object> row : Tx.rows(c, "select kind, count(*) as n from security_events group by kind")) {
                security.put((String) row.get("kind"), ((Number) row.get("n")).longValue());
            }
            s.put("security_events", security);
            s.put("batches", ApiParams.count(c, "select count(*) as n from batches"));
            s.put("anchored", ApiParams.count(c, "select count(*) as n from batches where anchor_tx_hash is not null"));
            s.put("alerts", ApiParams.count(c, "select count(*) as n from security_events where incident_of is null")
                    + ApiParams.count(c, "select count(*) as n from ml_alerts"));
            s.put("ml_alerts", ApiParams.count(c, "select count(*) as n from ml_alerts"));
            s.put("ml_anomalous_logs", ApiParams.count(c, "select count(*) as n from logs where ml_label = 'anomalous'"));
            return s;
        });
    }
}
