package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.db.Tx;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Time series for the console: one device's readings over a time range, downsampled to at most {@code points}
 * buckets (min, mean and max of each metric), with its anomalous logs and its trust changes; and the fleet overview
 * (devices by status and trust band, open alerts by severity, stored logs and security events per bucket).
 */
public class SeriesQueries {

    private static final long MAX_RANGE_MS = 31L * 24 * 3600_000;
    private static final int MAX_ANOMALIES = 500;
    private static final long SILENT_AFTER_MS = 5 * 60_000L;
    private static final Map<String, String> UNITS = Map.of("temperature", "°C", "humidity", "%RH", "light", "lux",
            "motion", "0/1", "cpu_usage", "%", "battery_level", "%");

    private final DataSource dataSource;
    private final int commandThreshold;

    /** {@code commandThreshold}: the trust under which commands are refused (the overview's "below threshold" band). */
    public SeriesQueries(DataSource dataSource, int commandThreshold) {
        this.dataSource = dataSource;
        this.commandThreshold = commandThreshold;
    }

    /** A validated time range split into equal buckets. */
    record Range(long from, long to, long step, int points) {

        static Range of(Long from, Long to, Integer points, long now) {
            long end = to == null ? now : to;
            long start = from == null ? end - 3600_000 : from;
            int n = points == null ? 240 : points;
            if (n < 1 || n > 1000) {
                throw new BadRequestException("points must be between 1 and 1000", n);
            }
            if (start >= end || end - start > MAX_RANGE_MS) {
                throw new BadRequestException("from must be before to, and the range at most 31 days",
                        Map.of("from", start, "to", end));
            }
            long step = Math.max(1, (end - start + n - 1) / n);
            return new Range(start, end, step, (int) ((end - start + step - 1) / step));
        }

        int bucket(long t) {
            return (int) ((t - from) / step);
        }

        List<Long> starts() {
            List<Long> t = new ArrayList<>(points);
            for (int i = 0; i < points; i++) {
                t.add(from + i * step);
            }
            return t;
        }
    }

    /** GET /devices/{id}/series?from=&to=&points=: by device time (the packet's {@code timestamp}). */
    public Map<String, Object> device(String deviceId, Long from, Long to, Integer points, long now) {
        if (deviceId == null || !DeviceRegistry.DEVICE_ID.matcher(deviceId).matches()) {
            throw new NotFoundException("no device " + ApiParams.printable(deviceId), null);
        }
        Range r = Range.of(from, to, points, now);
        return Tx.read(dataSource, c -> {
            if (Tx.rows(c, "select device_id from devices where device_id = ?", deviceId).isEmpty()) {
                throw new NotFoundException("no device " + deviceId, null);
            }
            Map<String, Stats> metrics = new LinkedHashMap<>();
            long[] count = new long[r.points()];
            long[] heartbeats = new long[r.points()];
            List<Map<String, Object>> anomalies = new ArrayList<>();
            for (Map<String, Object> row : Tx.rows(c, "select sequence_no, type, device_timestamp, cpu_usage,"
                    + " battery_level, sensors, ml_label, ml_score, ml_model from logs where device_id = ?"
                    + " and device_timestamp >= ? and device_timestamp < ? order by device_timestamp",
                    deviceId, r.from(), r.to())) {
                long t = ((Number) row.get("device_timestamp")).longValue();
                int b = r.bucket(t);
                count[b]++;
                if ("heartbeat".equals(row.get("type"))) {
                    heartbeats[b]++;
                }
                add(metrics, r, "cpu_usage", b, ((Number) row.get("cpu_usage")).doubleValue());
                add(metrics, r, "battery_level", b, ((Number) row.get("battery_level")).doubleValue());
                for (Iterator<Map.Entry<String, JsonNode>> it = sensors((String) row.get("sensors")); it.hasNext();) {
                    Map.Entry<String, JsonNode> sensor = it.next();
                    if (sensor.getValue().isNumber()) {
                        add(metrics, r, sensor.getKey(), b, sensor.getValue().doubleValue());
                    }
                }
                if ("anomalous".equals(row.get("ml_label")) && anomalies.size() < MAX_ANOMALIES) {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("t", t);
                    a.put("sequence_no", row.get("sequence_no"));
                    a.put("score", row.get("ml_score"));
                    a.put("model", row.get("ml_model"));
                    anomalies.add(a);
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("device_id", deviceId);
            out.put("from", r.from());
            out.put("to", r.to());
            out.put("step_ms", r.step());
            out.put("t", r.starts());
            out.put("count", count);
            out.put("heartbeats", heartbeats);
            Map<String, Object> series = new LinkedHashMap<>();
            metrics.forEach((name, s) -> series.put(name, s.json(UNITS.getOrDefault(name, ""))));
            out.put("series", series);
            out.put("anomalies", anomalies);
            out.put("trust", trust(c, deviceId, r));
            return out;
        });
    }

    /**
     * GET /overview?from=&to=&points=: the fleet at a glance. Devices by status (active: seen within 5 min) and trust
     * band; open alerts by severity; stored logs (by arrival), security events and ML alerts per bucket.
     */
    public Map<String, Object> overview(Long from, Long to, Integer points, long now) {
        Range r = Range.of(from, to, points, now);
        return Tx.read(dataSource, c -> {
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, Object> devices = new LinkedHashMap<>();
            devices.put("total", one(c, "select count(*) as n from devices"));
            devices.put("active", one(c, "select count(*) as n from devices where last_seen >= ?", now - SILENT_AFTER_MS));
            devices.put("silent", one(c, "select count(*) as n from devices where last_seen < ?", now - SILENT_AFTER_MS));
            devices.put("never_seen", one(c, "select count(*) as n from devices where last_seen is null"));
            out.put("devices", devices);
            Map<String, Object> trust = new LinkedHashMap<>();
            trust.put("full", one(c, "select count(*) as n from devices where trust_score is null or trust_score >= 100"));
            trust.put("reduced", one(c, "select count(*) as n from devices where trust_score < 100 and trust_score >= ?",
                    commandThreshold));
            trust.put("below_threshold", one(c, "select count(*) as n from devices where trust_score < ?",
                    commandThreshold));
            trust.put("threshold", commandThreshold);
            out.put("trust", trust);
            Map<String, Object> open = new LinkedHashMap<>();
            for (String severity : List.of("high", "medium", "low")) {
                open.put(severity, 0L);
            }
            for (Map<String, Object> row : Tx.rows(c, "select severity, count(*) as n from (select case"
                    + " when h.attributable then 'high' when h.incident_count >= 10 then 'medium' else 'low' end as severity"
                    + " from security_events h left join alert_states s on s.source = 'security' and s.ref_id = h.id"
                    + " where h.incident_of is null and (s.state is null or s.state = 'open')"
                    + " union all select case when m.confidence >= 0.95 then 'high' else 'medium' end as severity"
                    + " from ml_alerts m left join alert_states s on s.source = 'ml' and s.ref_id = m.id"
                    + " where m.raised and (s.state is null or s.state = 'open')) x group by severity")) {
                open.put((String) row.get("severity"), ((Number) row.get("n")).longValue());
            }
            out.put("open_alerts", open);
            out.put("from", r.from());
            out.put("to", r.to());
            out.put("step_ms", r.step());
            out.put("t", r.starts());
            out.put("stored", perBucket(c, r, "logs", "stored_at", "1 = 1"));
            out.put("security_events", perBucket(c, r, "security_events", "observed_at", "1 = 1"));
            out.put("ml_alerts", perBucket(c, r, "ml_alerts", "observed_at", "raised"));
            return out;
        });
    }

    /** Rows of {@code table} meeting {@code condition} (SQL of this class, not of the request) per time bucket. */
    private static long[] perBucket(Connection c, Range r, String table, String column, String condition)
            throws SQLException {
        long[] n = new long[r.points()];
        // from and step are numbers this class computed (not text from the request): inlined so that both H2 and
        // PostgreSQL group by the same expression.
        String bucket = "(" + column + " - " + r.from() + ") / " + r.step();
        for (Map<String, Object> row : Tx.rows(c, "select b, count(*) as n from (select " + bucket + " as b from " + table
                + " where " + condition + " and " + column + " >= ? and " + column + " < ?) x group by b", r.from(),
                r.to())) {
            int b = ((Number) row.get("b")).intValue();
            if (b >= 0 && b < n.length) {
                n[b] = ((Number) row.get("n")).longValue();
            }
        }
        return n;
    }

    /** The trust before the range and every change in it, by when it was recorded on-chain. */
    private static List<Map<String, Object>> trust(Connection c, String deviceId, Range r) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Map<String, Object>> before = Tx.rows(c, "select current_score from trust_history where device_id = ?"
                + " and recorded_at < ? order by id desc limit 1", deviceId, r.from());
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("t", r.from());
        start.put("trust_score", before.isEmpty() ? null : before.get(0).get("current_score"));
        start.put("delta", 0);
        out.add(start);
        for (Map<String, Object> row : Tx.rows(c, "select recorded_at as t, current_score as trust_score, delta, tx_hash"
                + " from trust_history where device_id = ? and recorded_at >= ? and recorded_at < ? order by id limit 5000",
                deviceId, r.from(), r.to())) {
            out.add(row);
        }
        return out;
    }

    private static long one(Connection c, String sql, Object... args) throws SQLException {
        return ((Number) Tx.rows(c, sql, args).get(0).get("n")).longValue();
    }

    private static Iterator<Map.Entry<String, JsonNode>> sensors(String json) {
        try {
            return CanonicalJson.parse(json).fields();
        } catch (IOException e) {
            throw new IllegalStateException("stored sensors are not JSON", e);
        }
    }

    private static void add(Map<String, Stats> metrics, Range r, String name, int bucket, double value) {
        metrics.computeIfAbsent(name, k -> new Stats(r.points())).add(bucket, value);
    }

    /** Min, sum and max per bucket of one metric. */
    private static final class Stats {
        final double[] min;
        final double[] max;
        final double[] sum;
        final int[] n;

        Stats(int points) {
            min = new double[points];
            max = new double[points];
            sum = new double[points];
            n = new int[points];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
        }

        void add(int b, double v) {
            min[b] = Math.min(min[b], v);
            max[b] = Math.max(max[b], v);
            sum[b] += v;
            n[b]++;
        }

        Map<String, Object> json(String unit) {
            List<Double> lo = new ArrayList<>(n.length);
            List<Double> avg = new ArrayList<>(n.length);
            List<Double> hi = new ArrayList<>(n.length);
            for (int i = 0; i < n.length; i++) {
                lo.add(n[i] == 0 ? null : min[i]);
                avg.add(n[i] == 0 ? null : Math.round(sum[i] / n[i] * 1000) / 1000.0);
                hi.add(n[i] == 0 ? null : max[i]);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("unit", unit);
            m.put("min", lo);
            m.put("avg", avg);
            m.put("max", hi);
            return m;
        }
    }
}
