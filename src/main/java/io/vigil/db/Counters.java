package io.vigil.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's counters ({@code server_counters}), changed in the same transaction as the rows they count, so that
 * {@code GET /stats} costs the same at any table size and a rolled-back write counts nothing.
 */
public final class Counters {

    private Counters() {
    }

    /** Adds {@code delta} to the counter {@code name} (created at zero when new). */
    public static void add(Connection c, String name, long delta) throws SQLException {
        if (delta == 0) {
            return;
        }
        if (Tx.update(c, "update server_counters set total = total + ? where name = ?", delta, name) == 0) {
            Tx.update(c, "insert into server_counters (name, total) values (?, 0) on conflict do nothing", name);
            Tx.update(c, "update server_counters set total = total + ? where name = ?", delta, name);
        }
    }

    /** Every counter by name. */
    public static Map<String, Long> all(Connection c) throws SQLException {
        Map<String, Long> all = new LinkedHashMap<>();
        for (Map<String, Object> row : Tx.rows(c, "select name, total from server_counters")) {
            all.put((String) row.get("name"), ((Number) row.get("total")).longValue());
        }
        return all;
    }
}
