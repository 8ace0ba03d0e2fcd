package io.vigil.processors;

import io.vigil.db.Tx;
import io.vigil.model.SecurityEventKind;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/** The gateway's counters (received, accepted, duplicates, per security-event kind), flushed to the database. */
public class GatewayCounters {

    private final DataSource dataSource;
    private final String gatewayId;
    private final Map<String, LongAdder> unflushed = new ConcurrentHashMap<>();

    public GatewayCounters(DataSource dataSource, String gatewayId) {
        this.dataSource = dataSource;
        this.gatewayId = gatewayId;
    }

    public void received() {
        add("received");
    }

    public void accepted() {
        add("accepted");
    }

    public void duplicate() {
        add("duplicates");
    }

    /** A group commit's packets: those accepted and sealed, and the transport duplicates it dropped. */
    public void committed(ReplayGuard.GroupOutcome outcome) {
        add("accepted", outcome.accepted());
        add("duplicates", outcome.duplicates());
    }

    public void securityEvent(SecurityEventKind kind) {
        add(kind.wire());
    }

    private void add(String name) {
        add(name, 1);
    }

    private void add(String name, long n) {
        if (n != 0) {
            unflushed.computeIfAbsent(name, k -> new LongAdder()).add(n);
        }
    }

    /** Adds what was counted since the last flush to the stored totals. */
    public void flush() {
        for (Map.Entry<String, LongAdder> entry : unflushed.entrySet()) {
            long delta = entry.getValue().sumThenReset();
            if (delta == 0) {
                continue;
            }
            try {
                Tx.inTransaction(dataSource, c -> {
                    int updated = Tx.update(c, "update gateway_counters set total = total + ? where gateway_id = ? and name = ?",
                            delta, gatewayId, entry.getKey());
                    if (updated == 0) {
                        Tx.update(c, "insert into gateway_counters (gateway_id, name, total) values (?, ?, ?)",
                                gatewayId, entry.getKey(), delta);
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                entry.getValue().add(delta);
                throw e;
            }
        }
    }
}
