package io.vigil.e2e;

/**
 * The pipeline on PostgreSQL (the machine's, 127.0.0.1:5432, database test) with the same Flyway migrations as
 * H2, in a schema of its own per run.
 */
class PostgresPipelineIT extends PipelineContract {

    @Override
    void configureBroker(VigilProcess process) {
        String schema = "vigil_it_" + Long.toString(System.nanoTime(), 36);
        process.with("VIGIL_DB_URL", System.getProperty("vigil.it.postgres",
                        "jdbc:postgresql://127.0.0.1:5432/test") + "?currentSchema=" + schema)
                .with("VIGIL_DB_USER", System.getProperty("vigil.it.postgres.user", "postgres"));
    }
}
