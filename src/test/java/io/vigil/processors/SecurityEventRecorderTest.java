package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.crypto.FieldCipher;
import io.vigil.db.Tx;
import io.vigil.model.RateLimitExceededException;
import io.vigil.model.SanityCheckException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which refused signed packets cost their device trust (PROTOCOL v1.1 §4), on a real H2 database. */
class SecurityEventRecorderTest {

    private static final long T = 1_795_000_000_000L;

    @TempDir
    Path dir;
    private HikariDataSource db;
    private SecurityEventRecorder recorder;

    @BeforeEach
    void open() {
        db = TestDatabase.open(dir);
        recorder = new SecurityEventRecorder(db, "gw-test", new GatewayCounters(db, "gw-test"),
                new EventStream(new ApiAuth("a", "o", "v", "g")), new LedgerOutbox(true), new FieldCipher(new byte[32]), 64);
        // The device's window: highest accepted 100, and 90 accepted inside it.
        Tx.inTransaction(db, c -> {
            Tx.update(c, "insert into replay_window (device_id, high_seq) values ('dev-a', 100)");
            Tx.update(c, "insert into replay_seen (device_id, sequence_no, digest) values ('dev-a', 90, 'x')");
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    private boolean attributable(long seq, boolean rate, long at) {
        String kind = rate ? "rate" : "sanity";
        recorder.record(rate ? new RateLimitExceededException("dev-a", seq, "over the rate")
                : new SanityCheckException("dev-a", seq, "clock skew"), "{}".getBytes(StandardCharsets.UTF_8), at);
        Map<String, Object> row = Tx.read(db, c -> Tx.rows(c, "select attributable from security_events"
                + " where device_id = 'dev-a' and sequence_no = ? and kind = ? order by id desc limit 1", seq, kind).get(0));
        return (Boolean) row.get("attributable");
    }

    @Test
    void a_new_packet_costs_trust_even_below_the_highest_accepted_sequence() {
        // Parallel workers: 95 was never seen, inside the window below 100. Only its key holder can have signed it.
        assertThat(attributable(95, true, T)).isTrue();
        assertThat(attributable(101, false, T + 61_000)).isTrue();
    }

    @Test
    void an_old_or_already_seen_or_already_refused_packet_costs_nothing() {
        assertThat(attributable(36, false, T)).as("below the window").isFalse();
        assertThat(attributable(90, true, T + 61_000)).as("accepted before: a replay of it").isFalse();
        assertThat(attributable(101, false, T + 122_000)).isTrue();
        assertThat(attributable(101, false, T + 183_000)).as("refused before: a replay of the refused one").isFalse();
    }
}
