package io.vigil.processors;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.boot.Database;
import java.nio.file.Path;

/** A real H2 file database in a temporary folder, migrated like the application's. */
final class TestDatabase {

    private TestDatabase() {
    }

    static HikariDataSource open(Path dir) {
        return Database.open(Database.defaultUrl(dir), "", "", 4);
    }
}
