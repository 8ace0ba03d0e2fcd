package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerWriterTest {

    private static Map<String, Object> count(long head, int count) {
        return Map.of("security_event_id", head, "incident_count", count, "kind", "incident_count");
    }

    @Test
    void a_run_of_count_rows_sends_each_incidents_highest_count_once_in_first_seen_order() {
        List<Map<String, Object>> run = List.of(count(7, 2), count(9, 2), count(7, 3), count(7, 5), count(9, 3),
                count(7, 4));
        assertThat(LedgerWriter.latestCounts(run)).extracting(r -> r.get("security_event_id") + ":" + r.get("incident_count"))
                .containsExactly("7:5", "9:3");
    }
}
