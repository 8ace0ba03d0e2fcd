package io.vigil.processors;

import io.vigil.db.Tx;
import io.vigil.model.SecurityEventKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Alerts (PROTOCOL v1.1 §4, §6): one per security incident (its first event, with the count, start and end) and one
 * per ML alert, newest first, filtered and paged, with their triage state ({@link AlertTriage} changes it).
 *
 * <p>Severity: {@code high} for an incident that cost the device trust (attributable) or an ML alert at confidence
 * 0.95 or more; {@code medium} for any other ML alert and for a non-attributable incident of 10 events or more;
 * {@code low} for the rest.
 */
public class AlertQueries {

    private static final Set<String> SOURCES = Set.of("security", "ml");
    private static final Set<String> SEVERITIES = Set.of("high", "medium", "low");
    private static final Set<String> STATES = Set.of("open", "acknowledged", "resolved");
    private static final Pattern ALERT_ID = Pattern.compile("^(sec|ml)-([0-9]{1,18})$");

    private static final String SECURITY_SEVERITY = "case when h.attributable then 'high'"
            + " when h.incident_count >= 10 then 'medium' else 'low' end";
    private static final String ML_SEVERITY = "case when m.confidence >= 0.95 then 'high' else 'medium' end";

    private final DataSource dataSource;

    public AlertQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A filter of the alert list; every field may be null. */
    public record Filter(String deviceId, String kind, String source, String severity, String state, Long since,
            Long until) {

        public Filter {
            ApiParams.deviceFilter(deviceId);
            if (kind != null && !"ml_anomaly".equals(kind)) {
                try {
                    kind = SecurityEventKind.fromWire(kind).wire();
                } catch (IllegalArgumentException e) {
                    throw new BadRequestException("kind must be a security event kind or ml_anomaly", ApiParams.printable(kind));
                }
            }
            oneOf("source", source, SOURCES);
            oneOf("severity", severity, SEVERITIES);
            oneOf("state", state, STATES);
        }

        boolean wants(String wanted) {
            return source == null || source.equals(wanted);
        }
    }

    /** GET /alerts with its query parameters. */
    public Map<String, Object> alerts(String deviceId, String kind, String source, String severity, String state,
            Long since, Long until, Integer limit, String cursor) {
        return alerts(new Filter(deviceId, kind, source, severity, state, since, until), limit, cursor);
    }

    /** GET /alerts: newest first by when they began, then security before ML, then id; paged. */
    public Map<String, Object> alerts(Filter filter, Integer limit, String cursor) {
        int n = Paging.limit(limit);
        String[] after = Paging.key("alerts", cursor, 3);
        long at = after == null ? Long.MAX_VALUE : Paging.longPart(after[0]);
        int rank = after == null ? 2 : (int) Paging.longPart(after[1]);
        long id = after == null ? Long.MAX_VALUE : Paging.longPart(after[2]);
        List<Map<String, Object>> out = new ArrayList<>();
        Tx.read(dataSource, c -> {
            if (filter.wants("security") && !"ml_anomaly".equals(filter.kind())) {
                out.addAll(security(c, filter, n + 1, at, rank, id));
            }
            if (filter.wants("ml") && (filter.kind() == null || "ml_anomaly".equals(filter.kind()))) {
                out.addAll(ml(c, filter, n + 1, at, rank, id));
            }
            return null;
        });
        out.sort(Comparator.comparingLong((Map<String, Object> a) -> ((Number) a.get("observed_at")).longValue())
                .thenComparingInt(AlertQueries::rank).thenComparingLong(AlertQueries::refId).reversed());
        List<Map<String, Object>> rows = out.size() > n + 1 ? new ArrayList<>(out.subList(0, n + 1)) : out;
        return Paging.page("alerts", rows, n, a -> new Object[] {a.get("observed_at"), rank(a), refId(a)});
    }

    /** GET /alerts/{id}: one alert with everything known: its events (an incident's, up to 200) and its triage trail. */
    public Map<String, Object> alert(String alertId) {
        Ref ref = ref(alertId);
        return Tx.read(dataSource, c -> {
            Filter all = new Filter(null, null, null, null, null, null, null);
            List<Map<String, Object>> found = "security".equals(ref.source())
                    ? security(c, all, 1, Long.MAX_VALUE, 2, Long.MAX_VALUE, ref.id())
                    : ml(c, all, 1, Long.MAX_VALUE, 2, Long.MAX_VALUE, ref.id());
            if (found.isEmpty()) {
                throw new NotFoundException("no alert " + alertId, null);
            }
            Map<String, Object> alert = found.get(0);
            if ("security".equals(ref.source())) {
                alert.put("events", Tx.rows(c, "select id, sequence_no, detail, observed_at from security_events"
                        + " where id = ? or incident_of = ? order by id limit 200", ref.id(), ref.id()));
            } else {
                // The episode's anomalous logs (up to 200), each with its verdict.
                alert.put("events", Tx.rows(c, "select l.sequence_no, l.device_timestamp as timestamp, l.ml_score as"
                        + " score, l.ml_model as model, l.stored_at as observed_at from ml_alerts m join logs l on"
                        + " l.device_id = m.device_id and l.device_timestamp between coalesce(m.first_device_time, -1)"
                        + " and coalesce(m.last_device_time, -1) and l.ml_label = 'anomalous' where m.id = ?"
                        + " order by l.device_timestamp limit 200", ref.id()));
            }
            alert.put("actions", actions(c, ref));
            return alert;
        });
    }

    record Ref(String source, long id) {
    }

    static Ref ref(String alertId) {
        var m = alertId == null ? null : ALERT_ID.matcher(alertId);
        if (m == null || !m.matches()) {
            throw new NotFoundException("no alert " + ApiParams.printable(alertId), "alert ids are sec-<n> or ml-<n>");
        }
        return new Ref("sec".equals(m.group(1)) ? "security" : "ml", Long.parseLong(m.group(2)));
    }

    static List<Map<String, Object>> actions(Connection c, Ref ref) throws SQLException {
        return Tx.rows(c, "select action, state, actor, role, note, at from alert_actions where source = ? and ref_id = ?"
                + " order by id", ref.source(), ref.id());
    }

    /** One of the two tables alerts come from, as the same columns. */
    private record Source(String name, String prefix, int rank, String alias, String severity, String select) {
    }

    private static final Source SECURITY = new Source("security", "sec-", 1, "h", SECURITY_SEVERITY,
            "select h.id, h.kind, h.device_id, h.sequence_no, h.detail, h.observed_at, h.tx_hash, h.attributable,"
            + " h.incident_count as events, cast(null as double precision) as confidence, cast(null as varchar) as model,"
            + " cast(null as varchar) as batch_id, cast(null as integer) as leaf_index,"
            + " coalesce((select max(e.observed_at) from security_events e where e.incident_of = h.id), h.observed_at)"
            + " as last_observed_at, " + SECURITY_SEVERITY + " as severity, s.state, s.updated_at, s.updated_by, s.role"
            + " from security_events h left join alert_states s on s.source = 'security' and s.ref_id = h.id"
            + " where h.incident_of is null");
    private static final Source ML = new Source("ml", "ml-", 0, "m", ML_SEVERITY,
            "select m.id, 'ml_anomaly' as kind, m.device_id, m.sequence_no, m.detail, m.observed_at, m.tx_hash,"
            + " false as attributable, m.packet_count as events, m.confidence, m.model,"
            + " cast(m.batch_id as varchar) as batch_id, m.leaf_index,"
            + " coalesce(m.last_observed_at, m.observed_at) as last_observed_at, " + ML_SEVERITY + " as severity,"
            + " s.state, s.updated_at, s.updated_by, s.role"
            + " from ml_alerts m left join alert_states s on s.source = 'ml' and s.ref_id = m.id where m.raised");

    private static List<Map<String, Object>> security(Connection c, Filter f, int limit, long at, int rank, long id,
            long... only) throws SQLException {
        return query(c, SECURITY, f, limit, at, rank, id, only);
    }

    private static List<Map<String, Object>> ml(Connection c, Filter f, int limit, long at, int rank, long id,
            long... only) throws SQLException {
        return query(c, ML, f, limit, at, rank, id, only);
    }

    /**
     * One table's alerts after the cursor (at, rank, id), newest first. The order is (start, rank, id) descending,
     * security (rank 1) before ML (rank 0) at the same start: after a cursor of a higher rank come this table's
     * alerts at its start too; after one of the same rank, those with a smaller id; after one of a lower rank, only
     * older ones.
     */
    private static List<Map<String, Object>> query(Connection c, Source src, Filter f, int limit, long at, int rank,
            long id, long... only) throws SQLException {
        String t = src.alias();
        StringBuilder sql = new StringBuilder(src.select());
        List<Object> args = new ArrayList<>();
        if (rank > src.rank()) {
            sql.append(" and ").append(t).append(".observed_at <= ?");
            args.add(at);
        } else if (rank == src.rank()) {
            sql.append(" and (").append(t).append(".observed_at < ? or (").append(t).append(".observed_at = ? and ")
                    .append(t).append(".id < ?))");
            args.addAll(List.of(at, at, id));
        } else {
            sql.append(" and ").append(t).append(".observed_at < ?");
            args.add(at);
        }
        if (only.length > 0) {
            sql.append(" and ").append(t).append(".id = ?");
            args.add(only[0]);
        }
        filters(sql, args, f, t, src.severity());
        sql.append(" order by ").append(t).append(".observed_at desc, ").append(t).append(".id desc limit ?");
        args.add(limit);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : Tx.rows(c, sql.toString(), args.toArray())) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", src.prefix() + row.get("id"));
            a.put("source", src.name());
            for (String column : List.of("kind", "severity", "device_id", "sequence_no", "detail", "confidence", "model",
                    "events", "attributable", "batch_id", "leaf_index", "observed_at", "last_observed_at", "tx_hash")) {
                a.put("events".equals(column) ? "count" : column, row.get(column));
            }
            if (a.get("batch_id") == null) {
                a.remove("batch_id");
                a.remove("leaf_index");
            }
            state(a, row);
            out.add(a);
        }
        return out;
    }

    private static void filters(StringBuilder sql, List<Object> args, Filter f, String t, String severity) {
        if (f.deviceId() != null) {
            sql.append(" and ").append(t).append(".device_id = ?");
            args.add(f.deviceId());
        }
        if (f.kind() != null && "h".equals(t)) {
            sql.append(" and h.kind = ?");
            args.add(f.kind());
        }
        if (f.severity() != null) {
            sql.append(" and ").append(severity).append(" = ?");
            args.add(f.severity());
        }
        if (f.state() != null) {
            sql.append("open".equals(f.state()) ? " and (s.state is null or s.state = ?)" : " and s.state = ?");
            args.add(f.state());
        }
        if (f.since() != null) {
            sql.append(" and ").append(t).append(".observed_at >= ?");
            args.add(f.since());
        }
        if (f.until() != null) {
            sql.append(" and ").append(t).append(".observed_at < ?");
            args.add(f.until());
        }
    }

    private static void state(Map<String, Object> a, Map<String, Object> row) {
        a.put("state", row.get("state") == null ? "open" : row.get("state"));
        a.put("state_by", row.get("updated_by"));
        a.put("state_role", row.get("role"));
        a.put("state_at", row.get("updated_at"));
    }

    private static int rank(Map<String, Object> alert) {
        return "security".equals(alert.get("source")) ? 1 : 0;
    }

    private static long refId(Map<String, Object> alert) {
        String id = (String) alert.get("id");
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    private static void oneOf(String name, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            throw new BadRequestException(name + " must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)),
                    ApiParams.printable(value));
        }
    }
}
