package io.vigil.processors;

import io.vigil.db.Tx;
import io.vigil.ledger.Ledger;
import io.vigil.ledger.LedgerConnector;
import io.vigil.ledger.LedgerIds;
import io.vigil.ledger.contracts.DeviceTrust;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;

/**
 * Ledger-out stage: drains the ledger outbox in id order, one transaction per run of rows of one kind (so a
 * batch's trust deltas go on-chain together), and stores receipts back (tx hash, block; trust as the
 * chain's TrustChanged events say). Each run carries an opId above every earlier one, kept for its resends,
 * so a retried transaction is a no-op on-chain. The transaction hash is stored before sending: after a crash the receipt is looked up first.
 * While the node is down nothing is lost: rows wait, the drain backs off and resumes in order.
 */
public class LedgerWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);

    private final DataSource dataSource;
    private final LedgerConnector connector;
    private final int maxPerTx;
    private final LedgerReceipts receipts;

    public LedgerWriter(DataSource dataSource, LedgerConnector connector, EventStream events, int maxPerTx) {
        this.dataSource = dataSource;
        this.connector = connector;
        this.receipts = new LedgerReceipts(dataSource, events);
        this.maxPerTx = maxPerTx;
    }

    /**
     * One drain round: as many transactions as there are runs waiting when it starts (rows written meanwhile wait for
     * the next round, so under load one round's transaction carries a poll period's anchors, not whatever arrived
     * while the last one was mined). Returns the rows completed. A node that cannot
     * be reached, or fails, or a database that cannot be read, throws: the ledger-out route's circuit breaker counts
     * it and stops calling for a while (routes/ledger/ledger-out.camel.yaml). Nothing is lost meanwhile: the rows stay
     * in the outbox.
     */
    public synchronized int drain(long now) {
        Ledger ledger = connector.get().orElseThrow(() -> new UnavailableException("the ledger node "
                + connector.rpcUrl() + " is not reachable: " + connector.lastError(), null));
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try {
                if (Tx.rows(lock, "select id from ledger_writer where id = 1 for update skip locked").isEmpty()) {
                    return 0; // another server instance is draining
                }
                long upTo = Tx.read(dataSource, c -> {
                    Object max = Tx.rows(c, "select max(id) as m from ledger_outbox").get(0).get("m");
                    return max == null ? 0L : ((Number) max).longValue();
                });
                int done = 0;
                while (true) {
                    int n = step(ledger, upTo);
                    if (n == 0) {
                        break;
                    }
                    done += n;
                }
                return done;
            } finally {
                lock.rollback();
            }
        } catch (SQLException e) {
            throw new io.vigil.db.DataAccessException(e);
        }
    }

    /** Sends (or confirms) the oldest run of rows up to id {@code upTo}; 0 when there is nothing open there. */
    private int step(Ledger ledger, long upTo) throws SQLException {
        List<Map<String, Object>> rows = Tx.read(dataSource, c -> Tx.rows(c, "select * from ledger_outbox"
                + " where state in ('pending', 'sent') and id <= ? order by id limit " + maxPerTx, upTo));
        if (rows.isEmpty()) {
            return 0;
        }
        Map<String, Object> first = rows.get(0);
        String kind = (String) first.get("kind");
        List<Map<String, Object>> run;
        long opId;
        if (first.get("op_id") != null) {
            // Sent before (a crash, a timeout, a node that went away): the same rows, the same opId.
            opId = ((Number) first.get("op_id")).longValue();
            run = Tx.read(dataSource, c -> Tx.rows(c, "select * from ledger_outbox where op_id = ?"
                    + " and state in ('pending', 'sent') order by id", opId));
            String sentAs = (String) first.get("tx_hash");
            if (sentAs != null) {
                Optional<TransactionReceipt> mined = call(() -> ledger.receipt(sentAs));
                if (mined.isPresent() && mined.get().isStatusOK()) {
                    receipts.complete(ledger, run, mined.get());
                    return run.size();
                }
            }
        } else {
            run = new ArrayList<>();
            for (Map<String, Object> row : rows) {
                if (!row.get("kind").equals(kind) || row.get("op_id") != null) {
                    break;
                }
                run.add(row);
            }
            opId = nextOpId(ledger);
            List<Long> fresh = ids(run);
            Tx.inTransaction(dataSource, c -> update(c, "update ledger_outbox set op_id = ? where id in", fresh, opId));
        }
        List<Long> ids = ids(run);
        TransactionReceipt receipt;
        try {
            receipt = switch (kind) {
                case "anchor" -> ledger.anchorBatches(opId,
                        map(run, r -> LedgerIds.batch((UUID) r.get("batch_id"))),
                        map(run, r -> LedgerIds.hash((String) r.get("batch_hash"))),
                        map(run, r -> LedgerIds.name((String) r.get("gateway_id"))),
                        map(run, r -> big(r.get("event_time"))),
                        map(run, r -> big(r.get("log_count"))),
                        map(run, r -> big(r.get("score"))),
                        hash -> markSent(ids, hash));
                case "incident" -> ledger.recordIncidents(opId,
                        map(run, r -> r.get("device_id") == null ? new byte[32] : LedgerIds.name((String) r.get("device_id"))),
                        map(run, r -> LedgerIds.name((String) r.get("gateway_id"))),
                        map(run, r -> big(r.get("event_time"))),
                        map(run, r -> big(r.get("score"))),
                        map(run, r -> LedgerIds.hash(trimmed(r.get("batch_hash")))),
                        map(run, r -> BigInteger.valueOf(LedgerOutbox.incidentCode((String) r.get("incident_kind")))),
                        hash -> markSent(ids, hash));
                case "incident_count" -> {
                    // Count rows are never changed once written; a run sends each incident's highest count once.
                    List<Map<String, Object>> latest = latestCounts(run);
                    yield ledger.countIncidents(opId,
                            map(latest, r -> r.get("device_id") == null ? new byte[32] : LedgerIds.name((String) r.get("device_id"))),
                            map(latest, r -> BigInteger.valueOf(LedgerOutbox.incidentCode((String) r.get("incident_kind")))),
                            map(latest, r -> big(r.get("event_time"))),
                            map(latest, r -> big(r.get("incident_count"))),
                            hash -> markSent(ids, hash));
                }
                case "trust" -> ledger.applyDeltas(opId,
                        map(run, r -> LedgerIds.name((String) r.get("device_id"))),
                        map(run, r -> big(r.get("delta"))),
                        hash -> markSent(ids, hash));
                default -> throw new IllegalStateException("unknown ledger outbox kind " + kind);
            };
        } catch (TransactionException e) {
            if (e.getTransactionReceipt().isPresent()) {
                // Mined and reverted: the chain refused these rows for good; keep them, visibly, and go on.
                String reason = "reverted: " + e.getMessage();
                LOG.error("ledger outbox rows {} ({}) {}", ids, kind, reason);
                Tx.inTransaction(dataSource, c -> update(c, "update ledger_outbox set state = 'rejected', last_error = ?"
                        + " where id in", ids, clip(reason)));
                return run.size();
            }
            throw new IllegalStateException(e.getMessage(), e);
        } catch (RuntimeException e) {
            recordError(ids, e);
            throw e;
        } catch (Exception e) {
            recordError(ids, e);
            throw new IllegalStateException(e.getMessage(), e);
        }
        receipts.complete(ledger, run, receipt);
        return run.size();
    }

    /** Above every opId used so far, in the database and on both contracts (a new database on an old chain). */
    private long nextOpId(Ledger ledger) {
        long used = Tx.read(dataSource, c -> {
            Object max = Tx.rows(c, "select max(op_id) as m from ledger_outbox").get(0).get("m");
            return max == null ? 0L : ((Number) max).longValue();
        });
        return Math.max(used, call(ledger::lastOpId)) + 1;
    }

    private void markSent(List<Long> ids, String txHash) {
        Tx.inTransaction(dataSource, c -> update(c, "update ledger_outbox set state = 'sent', tx_hash = ?,"
                + " attempts = attempts + 1 where id in", ids, txHash));
    }

    private void recordError(List<Long> ids, Exception e) {
        try {
            Tx.inTransaction(dataSource, c -> update(c, "update ledger_outbox set last_error = ? where id in", ids,
                    clip(rootMessage(e))));
        } catch (RuntimeException ignored) {
            // the database error will surface on the next round
        }
    }

    /** Rows waiting for the chain (pending or sent), for health and stats. */
    public long backlog() {
        return Tx.read(dataSource, c -> ((Number) Tx.rows(c, "select count(*) as n from ledger_outbox"
                + " where state in ('pending', 'sent')").get(0).get("n")).longValue());
    }

    private static List<Long> ids(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> ((Number) r.get("id")).longValue()).toList();
    }

    /** {@code sql} ends with "id in"; the ids follow the leading arguments. */
    private static int update(Connection c, String sql, List<Long> ids, Object... leading) throws SQLException {
        Object[] args = new Object[leading.length + ids.size()];
        System.arraycopy(leading, 0, args, 0, leading.length);
        for (int i = 0; i < ids.size(); i++) {
            args[leading.length + i] = ids.get(i);
        }
        return Tx.update(c, sql + " (" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")", args);
    }

    /** Of several counts of one incident (its head event) in a run, the highest; in the order of first appearance. */
    static List<Map<String, Object>> latestCounts(List<Map<String, Object>> run) {
        Map<Object, Map<String, Object>> byIncident = new java.util.LinkedHashMap<>();
        for (Map<String, Object> row : run) {
            byIncident.merge(row.get("security_event_id"), row, (a, b) ->
                    ((Number) b.get("incident_count")).intValue() > ((Number) a.get("incident_count")).intValue() ? b : a);
        }
        return new ArrayList<>(byIncident.values());
    }

    private static <T> List<T> map(List<Map<String, Object>> rows, java.util.function.Function<Map<String, Object>, T> f) {
        return rows.stream().map(f).toList();
    }

    private static BigInteger big(Object value) {
        return BigInteger.valueOf(((Number) value).longValue());
    }

    private static String trimmed(Object value) {
        return value == null ? null : value.toString().trim();
    }

    private static String clip(String s) {
        return s == null ? null : s.length() > 1000 ? s.substring(0, 1000) : s;
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
