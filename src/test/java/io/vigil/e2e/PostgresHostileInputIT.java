package io.vigil.e2e;

/** The hostile-input campaign on PostgreSQL, which is stricter about what text it stores. */
class PostgresHostileInputIT extends HostileInputContract {

    @Override
    void configure(VigilProcess process) {
        process.with("VIGIL_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=vigil_hostile_"
                + Long.toString(System.nanoTime(), 36)).with("VIGIL_DB_USER", "postgres");
    }
}
