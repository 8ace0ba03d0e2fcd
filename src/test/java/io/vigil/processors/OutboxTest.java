package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.crypto.MerkleTree;
import io.vigil.db.Tx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journal → sealed batch → outbox delivery outcomes, on a real H2 database: nothing is ever dropped. */
class OutboxTest {

    private static final long T = 1_795_000_000_000L;

    @TempDir
    Path dir;
    private HikariDataSource db;
    private ReplayGuard guard;
    private BatchSealer sealer;
    private BatchForwarder forwarder;

    @BeforeEach
    void open() {
        db = TestDatabase.open(dir);
        guard = new ReplayGuard(db, 64, "gw-test");
        sealer = new BatchSealer(db, "gw-test", 3, 1000);
        forwarder = new BatchForwarder(db, "gw-test", 500, 30_000);
    }

    @AfterEach
    void close() {
        sealer.close();
        guard.close();
        db.close();
    }

    private List<Map<String, Object>> outbox() {
        return Tx.read(db, c -> Tx.rows(c, "select batch_id, state, attempts, next_attempt_at, last_error, log_count"
                + " from gateway_outbox order by created_at"));
    }

    /** As the replay-guard and batch routes do: admit, then tell the sealer. */
    private void journal(int count) {
        for (int i = 0; i < count; i++) {
            guard.admit(TestPackets.packet("esp32-lab-01", i, T, 20 + i), T);
            sealer.journalled();
        }
    }

    /** Three packets journalled and sealed: the batch as the forwarder first sees it, due at {@code now}. */
    private BatchForwarder.Due oneSealedBatch(long now) {
        journal(3);
        awaitSealed(1);
        return forwarder.next(now);
    }

    private void awaitSealed(int batches) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> outbox().size() == batches);
    }

    @Test
    void a_full_batch_is_sealed_with_the_merkle_root_of_its_logs_in_order() throws Exception {
        journal(3);
        awaitSealed(1);
        BatchForwarder.Due due = forwarder.next(Long.MAX_VALUE);
        var batch = io.vigil.crypto.CanonicalJson.parse(due.body());
        List<byte[]> leaves = new java.util.ArrayList<>();
        batch.get("logs").forEach(l -> leaves.add(io.vigil.crypto.CanonicalJson.bytes(l)));
        assertThat(leaves).hasSize(3);
        assertThat(new String(leaves.get(0), StandardCharsets.UTF_8)).contains("\"sequence_no\":0");
        assertThat(batch.get("batch_hash").asText()).isEqualTo(MerkleTree.rootHex(leaves));
    }

    @Test
    void a_partial_batch_waits_for_its_timeout_then_is_sealed() {
        journal(2);
        assertThat(sealer.sealDue(T + 999)).isZero();
        assertThat(outbox()).isEmpty();
        assertThat(sealer.sealDue(T + 1000)).isEqualTo(1);
        assertThat(outbox()).singleElement().satisfies(b -> assertThat(b.get("log_count")).isEqualTo(2));
    }

    @Test
    void a_server_error_keeps_the_batch_and_backs_off_doubling_until_it_is_acknowledged() {
        long now = System.currentTimeMillis() + 1000;
        BatchForwarder.Due due = oneSealedBatch(now);
        assertThat(forwarder.answered(due.batchId(), 503, "{\"error\":\"down\"}", now)).isFalse();
        assertThat(forwarder.next(now)).as("not due again before its back-off").isNull();
        assertThat(outbox()).singleElement().satisfies(b -> {
            assertThat(b.get("attempts")).isEqualTo(1);
            assertThat(((Number) b.get("next_attempt_at")).longValue()).isEqualTo(now + 500);
            assertThat((String) b.get("last_error")).contains("HTTP 503");
        });
        forwarder.failed(due.batchId(), "Connection refused", now + 500);
        assertThat(((Number) outbox().get(0).get("next_attempt_at")).longValue()).isEqualTo(now + 500 + 1000);
        BatchForwarder.Due retry = forwarder.next(now + 1500);
        assertThat(retry.batchId()).isEqualTo(due.batchId());
        assertThat(retry.body()).isEqualTo(due.body());
        assertThat(forwarder.answered(retry.batchId(), 201, "{}", now + 1500)).isTrue();
        assertThat(outbox()).isEmpty();
    }

    @Test
    void a_server_still_starting_405_or_404_or_an_auth_error_is_retried_not_rejected() {
        long now = System.currentTimeMillis() + 1000;
        BatchForwarder.Due due = oneSealedBatch(now);
        long at = now;
        for (int status : new int[] {405, 404, 401, 403, 429}) {
            assertThat(forwarder.answered(due.batchId(), status, "", at)).as("HTTP " + status).isFalse();
            assertThat(outbox()).singleElement().satisfies(b -> assertThat(b.get("state")).isNotEqualTo("rejected"));
            at += 60_000;
        }
        assertThat(forwarder.next(Long.MAX_VALUE).batchId()).isEqualTo(due.batchId());
    }

    @Test
    void a_batch_the_server_refuses_as_invalid_is_kept_as_rejected_not_dropped() {
        long now = System.currentTimeMillis() + 1000;
        BatchForwarder.Due due = oneSealedBatch(now);
        assertThat(forwarder.answered(due.batchId(), 422, "{\"error\":\"batch_hash does not match\"}", now)).isTrue();
        assertThat(forwarder.next(Long.MAX_VALUE)).isNull();
        assertThat(outbox()).singleElement().satisfies(b -> {
            assertThat(b.get("state")).isEqualTo("rejected");
            assertThat((String) b.get("last_error")).contains("422", "batch_hash");
        });
    }
}
