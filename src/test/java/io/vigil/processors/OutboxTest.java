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

/** Group commit → sealed batches → outbox delivery outcomes, on a real H2 database: nothing is ever dropped. */
class OutboxTest {

    private static final long T = 1_795_000_000_000L;

    @TempDir
    Path dir;
    private HikariDataSource db;
    private ReplayGuard guard;
    private BatchForwarder forwarder;

    @BeforeEach
    void open() {
        db = TestDatabase.open(dir);
        guard = new ReplayGuard(db, 64, "gw-test", 3, 1000);
        forwarder = new BatchForwarder(db, "gw-test", 500, 30_000);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private List<Map<String, Object>> outbox() {
        return Tx.read(db, c -> Tx.rows(c, "select batch_id, state, attempts, next_attempt_at, last_error, log_count"
                + " from gateway_outbox order by created_at"));
    }

    /** As the group-commit aggregate does: one group of {@code count} packets committed. */
    private ReplayGuard.GroupOutcome journal(int count) {
        List<ReplayGuard.Pending> group = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            var packet = TestPackets.packet("esp32-lab-01", i, T, 20 + i);
            group.add(new ReplayGuard.Pending(packet, packet.canonicalJson(), T));
        }
        return guard.commit(group, T);
    }

    private ReplayGuard.GroupOutcome journal(int from, int to) {
        List<ReplayGuard.Pending> group = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) {
            var packet = TestPackets.packet("esp32-lab-01", i, T, 20 + i);
            group.add(new ReplayGuard.Pending(packet, packet.canonicalJson(), T));
        }
        return guard.commit(group, T);
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
    void a_group_larger_than_the_batch_size_is_sealed_into_evenly_filled_batches_of_at_most_that_size_in_order()
            throws Exception {
        ReplayGuard.GroupOutcome outcome = journal(7);
        assertThat(outcome.batches()).hasSize(3);
        assertThat(outbox()).extracting(b -> b.get("log_count")).containsExactlyInAnyOrder(2, 2, 3);
        List<Long> sequences = new java.util.ArrayList<>();
        for (java.util.UUID id : outcome.batches()) {
            String body = (String) Tx.read(db, c -> Tx.rows(c, "select body from gateway_outbox where batch_id = ?", id))
                    .get(0).get("body");
            io.vigil.crypto.CanonicalJson.parse(body).get("logs").forEach(l -> sequences.add(l.get("sequence_no").asLong()));
        }
        assertThat(sequences).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void fewer_than_a_batch_wait_in_the_journal_until_the_batch_timeout_then_are_sealed() {
        assertThat(journal(2).batches()).isEmpty();
        assertThat(outbox()).isEmpty();
        assertThat(guard.sealDue(T + 999).batches()).isEmpty();
        assertThat(guard.sealDue(T + 1000).batches()).hasSize(1);
        assertThat(outbox()).singleElement().satisfies(b -> assertThat(b.get("log_count")).isEqualTo(2));
        assertThat(guard.sealDue(T + 5000).batches()).isEmpty();
    }

    @Test
    void a_journal_and_a_group_that_make_a_batch_are_sealed_together_journal_first() throws Exception {
        journal(0, 2);
        ReplayGuard.GroupOutcome outcome = journal(2, 4);
        assertThat(outcome.batches()).hasSize(2);
        List<Long> sequences = new java.util.ArrayList<>();
        for (java.util.UUID id : outcome.batches()) {
            String body = (String) Tx.read(db, c -> Tx.rows(c, "select body from gateway_outbox where batch_id = ?", id))
                    .get(0).get("body");
            io.vigil.crypto.CanonicalJson.parse(body).get("logs").forEach(l -> sequences.add(l.get("sequence_no").asLong()));
        }
        assertThat(sequences).containsExactly(0L, 1L, 2L, 3L);
        assertThat(Tx.read(db, c -> Tx.rows(c, "select count(*) as n from gateway_pending")).get(0).get("n")).isEqualTo(0L);
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
