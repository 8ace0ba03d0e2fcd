package io.vigil.db;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the pool which failures leave a connection useless, so it opens fresh ones once the database can write
 * again. H2 closes its store when a write fails (disk full: an MVStoreException, then "database has been closed"
 * on every connection of the pool, forever); a fresh connection reopens the file. PostgreSQL's own fatal states
 * (08xxx, 57P01 admin shutdown on a restart) are already known to the pool and keep their default.
 */
public class BrokenConnections implements SQLExceptionOverride {

    /** H2: DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN, CONNECTION_BROKEN_1. */
    private static final int[] H2_GONE = {90098, 90121, 90067};

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            for (int code : H2_GONE) {
                if (s.getErrorCode() == code) {
                    return Override.MUST_EVICT;
                }
            }
            if (s.getErrorCode() == 50000 && String.valueOf(s.getMessage()).contains("MVStoreException")) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
