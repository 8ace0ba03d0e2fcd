package io.vigil.boot;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;

/** The connection pool and schema migrations (Flyway) for H2 or PostgreSQL. */
public final class Database {

    private Database() {
    }

    /**
     * The default H2 file database in the data dir, in PostgreSQL mode so one SQL dialect serves both.
     * WRITE_DELAY=0: a commit reaches the operating system before the MQTT ack, so kill -9 loses nothing.
     * DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while Camel is still stopping (every
     * in-flight step then logged "Database is already closed"); Vigil closes the pool itself, last.
     */
    public static String defaultUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("db").resolve("vigil")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0"
                + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** Opens the pool and migrates the schema; fails with a message naming VIGIL_DB_URL when unreachable. */
    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        if (!user.isEmpty()) {
            hikari.setUsername(user);
        }
        if (!password.isEmpty()) {
            hikari.setPassword(password);
        }
        hikari.setMaximumPoolSize(poolSize);
        // Connections are opened as needed: several gateways and servers share one PostgreSQL (max_connections).
        hikari.setMinimumIdle(Math.min(2, poolSize));
        hikari.setPoolName("vigil-db");
        hikari.setInitializationFailTimeout(10_000);
        // A database that cannot write (disk full) or went away (PostgreSQL restarted): callers wait at most 3 s
        // for a connection and retry; broken connections are replaced, so work resumes when the database does.
        hikari.setConnectionTimeout(3_000);
        hikari.setValidationTimeout(2_000);
        hikari.setExceptionOverrideClassName(io.vigil.db.BrokenConnections.class.getName());
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StartupException("cannot open the database " + redact(url)
                    + " (set VIGIL_DB_URL): " + rootMessage(e), e);
        }
        // db/h2 holds what only H2 needs (identity caches: PostgreSQL caches per connection, which would give
        // ids out of insert order across connections).
        String[] locations = url.startsWith("jdbc:h2:") ? new String[] {"classpath:db/migration", "classpath:db/h2"}
                : new String[] {"classpath:db/migration"};
        Flyway.configure().dataSource(dataSource).locations(locations).load().migrate();
        if (url.startsWith("jdbc:h2:file:")) {
            io.vigil.db.Tx.oneWriterAtATime(dataSource);
        }
        return dataSource;
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
