package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.db.Tx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which trust deltas go to the ledger outbox (PROTOCOL v1.1 §4), on a real H2 database. */
class LedgerOutboxTrustTest {

    @TempDir
    Path dir;
    private HikariDataSource db;
    private final LedgerOutbox outbox = new LedgerOutbox(true);

    @BeforeEach
    void open() {
        db = TestDatabase.open(dir);
        Tx.inTransaction(db, c -> {
            Tx.update(c, "insert into devices (device_id, public_key, provisioned_at) values ('new', 'k', 0)");
            Tx.update(c, "insert into devices (device_id, public_key, provisioned_at, trust_score)"
                    + " values ('full', 'k', 0, 100)");
            Tx.update(c, "insert into devices (device_id, public_key, provisioned_at, trust_score)"
                    + " values ('low', 'k', 0, 80)");
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void trust(String device, int delta) {
        Tx.inTransaction(db, c -> {
            outbox.trust(c, device, delta, 1, 1);
            return null;
        });
    }

    private long rows(String device) {
        return Tx.read(db, c -> ((Number) Tx.rows(c, "select count(*) n from ledger_outbox where kind = 'trust'"
                + " and device_id = ?", device).get(0).get("n")).longValue());
    }

    private void mined(String device, int trustScore) {
        Tx.inTransaction(db, c -> {
            Tx.update(c, "update ledger_outbox set state = 'done' where device_id = ?", device);
            Tx.update(c, "update devices set trust_score = ? where device_id = ?", trustScore, device);
            return null;
        });
    }

    @Test
    void a_heartbeat_of_a_device_the_chain_holds_at_100_sends_nothing() {
        trust("new", 1);
        trust("full", 1);
        assertThat(rows("new")).as("never changed on chain: 100").isZero();
        assertThat(rows("full")).isZero();
        trust("nobody", 1);
        trust("nobody", -20);
        assertThat(rows("nobody")).as("not provisioned").isZero();
    }

    @Test
    void a_heartbeat_below_100_or_behind_a_delta_in_flight_is_sent() {
        trust("low", 1);
        assertThat(rows("low")).isEqualTo(1);

        trust("full", -20);
        trust("full", 1);
        assertThat(rows("full")).as("the -20 is not mined yet: the +1 follows it").isEqualTo(2);
        mined("full", 81);
        trust("full", 1);
        assertThat(rows("full")).isEqualTo(3);

        mined("full", 100);
        trust("full", 1);
        assertThat(rows("full")).as("back at 100 with nothing in flight").isEqualTo(3);
        trust("full", -20);
        assertThat(rows("full")).as("a fall is always sent").isEqualTo(4);
    }
}
