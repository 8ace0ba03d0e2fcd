package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on PostgreSQL (the machine's, 127.0.0.1:5432, database test) with the same Flyway migrations as
 * H2, in a schema of its own per run; and what is at rest there.
 */
class PostgresPipelineIT extends PipelineContract {

    String dbUrl;

    @Override
    void configureBroker(VigilProcess process) {
        String schema = "vigil_it_" + Long.toString(System.nanoTime(), 36);
        dbUrl = System.getProperty("vigil.it.postgres", "jdbc:postgresql://127.0.0.1:5432/test") + "?currentSchema=" + schema;
        process.with("VIGIL_DB_URL", dbUrl)
                .with("VIGIL_DB_USER", System.getProperty("vigil.it.postgres.user", "postgres"));
    }

    @Test
    @Order(10)
    void quarantined_payloads_are_encrypted_at_rest_and_readable_through_the_api() throws Exception {
        List<String> stored = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(dbUrl, System.getProperty("vigil.it.postgres.user", "postgres"), "");
                ResultSet rs = c.createStatement().executeQuery("select payload from security_events where payload is not null")) {
            while (rs.next()) {
                stored.add(rs.getString(1));
            }
        }
        assertThat(stored).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("v1:").doesNotContain("device_id"));
        JsonNode events = api.items("/api/v1/security-events?kind=bad_signature");
        assertThat(events.get(0).get("payload").asText()).contains("\"device_id\"").contains("\"sig\"");
    }
}
