package io.vigil.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Small JDBC helpers: one transaction around a block, and rows as ordered maps for the read API. */
public final class Tx {

    /** Work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private Tx() {
    }

    /** The embedded H2 database whose writing transactions run one at a time ({@link #oneWriterAtATime}). */
    private static volatile DataSource oneWriter;
    /**
     * Fair: writers go in the order they asked. Unfair, one thread writing in a loop (the MQTT refusals' recorder under
     * a flood of bad CONNECTs, which anyone can send) could take the turn again and again ahead of the group commit.
     */
    private static final java.util.concurrent.locks.ReentrantLock WRITER =
            new java.util.concurrent.locks.ReentrantLock(true);

    /**
     * Writing transactions on {@code dataSource} (the embedded H2 file database) take turns. H2 writes every change in
     * memory at each commit (WRITE_DELAY=0), including another transaction's uncommitted rows, and after a kill -9 its
     * recovery was seen to roll such a transaction back only in part: a stored log's row was gone from the table while
     * its index entries stayed, so the log's batch, sent again, skipped it as already stored (RestartIT, 2026-12-08).
     * With one writer at a time no commit ever writes another transaction's uncommitted rows.
     */
    public static void oneWriterAtATime(DataSource dataSource) {
        oneWriter = dataSource;
    }

    /** Writers waiting for their turn (for tests). */
    static int waitingWriters() {
        return WRITER.getQueueLength();
    }

    /** Runs {@code work} in a transaction: commit on return, rollback on any exception. */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        if (dataSource != oneWriter || WRITER.isHeldByCurrentThread()) {
            return transaction(dataSource, work);
        }
        WRITER.lock();
        try {
            return transaction(dataSource, work);
        } finally {
            WRITER.unlock();
        }
    }

    private static <T> T transaction(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Runs a read with auto-commit. */
    public static <T> T read(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.apply(connection);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Rows of a query as maps of lower-case column label to value. */
    public static List<Map<String, Object>> rows(Connection connection, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(rs.getMetaData().getColumnLabel(c).toLowerCase(java.util.Locale.ROOT), rs.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** Executes an update with positional arguments. */
    public static int update(Connection connection, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** Executes an insert and returns the generated {@code id}. */
    public static long insertReturningId(Connection connection, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql, new String[] {"id"})) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no generated id for: " + sql);
                }
                return keys.getLong(1);
            }
        }
    }

    /** True for a unique-key violation (SQLState 23505 on H2 and PostgreSQL). */
    public static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
