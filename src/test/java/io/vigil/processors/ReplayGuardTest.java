package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.db.Tx;
import io.vigil.model.AdmitVerdict;
import io.vigil.model.ReplayDetectedException;
import io.vigil.model.SecurityEventKind;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PROTOCOL §1 replay window against a real H2 database, including a restart. */
class ReplayGuardTest {

    private static final String DEVICE = "esp32-lab-01";
    private static final long T = 1_795_000_000_000L;

    @TempDir
    Path dir;
    private HikariDataSource db;
    private ReplayGuard guard;

    @BeforeEach
    void open() {
        db = TestDatabase.open(dir);
        guard = new ReplayGuard(db, 64, "gw-test", 1000, 60_000);
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** Packets kept: sealed into outbox batches or journalled for the next one. */
    private long journalled() {
        return Tx.read(db, c -> ((Number) Tx.rows(c, "select coalesce(sum(log_count), 0) as n from gateway_outbox")
                .get(0).get("n")).longValue() + ((Number) Tx.rows(c, "select count(*) as n from gateway_pending")
                .get(0).get("n")).longValue());
    }

    @Test
    void accepts_new_packets_and_journals_each_once() {
        assertThat(guard.admit(TestPackets.packet(DEVICE, 1, T, 20), T)).isEqualTo(AdmitVerdict.ACCEPTED);
        assertThat(guard.admit(TestPackets.packet(DEVICE, 2, T, 20), T)).isEqualTo(AdmitVerdict.ACCEPTED);
        assertThat(journalled()).isEqualTo(2);
    }

    @Test
    void identical_bytes_again_are_a_transport_duplicate_not_journalled() {
        guard.admit(TestPackets.packet(DEVICE, 7, T, 20), T);
        assertThat(guard.admit(TestPackets.packet(DEVICE, 7, T, 20), T)).isEqualTo(AdmitVerdict.DUPLICATE);
        assertThat(journalled()).isEqualTo(1);
    }

    @Test
    void same_sequence_with_other_bytes_is_a_replay() {
        guard.admit(TestPackets.packet(DEVICE, 7, T, 20), T);
        assertThatThrownBy(() -> guard.admit(TestPackets.packet(DEVICE, 7, T, 21), T))
                .isInstanceOf(ReplayDetectedException.class)
                .satisfies(e -> assertThat(((ReplayDetectedException) e).kind()).isEqualTo(SecurityEventKind.REPLAY))
                .hasMessageContaining("different content");
        assertThat(journalled()).isEqualTo(1);
    }

    @Test
    void window_edges_out_of_order_inside_accepted_at_and_below_the_edge_refused() {
        guard.admit(TestPackets.packet(DEVICE, 100, T, 20), T);
        // 100 - 63 = 37 is the oldest sequence inside a 64-wide window; 36 is the first outside.
        assertThat(guard.admit(TestPackets.packet(DEVICE, 37, T, 20), T)).isEqualTo(AdmitVerdict.ACCEPTED);
        assertThat(guard.admit(TestPackets.packet(DEVICE, 99, T, 20), T)).isEqualTo(AdmitVerdict.ACCEPTED);
        assertThatThrownBy(() -> guard.admit(TestPackets.packet(DEVICE, 36, T, 20), T))
                .isInstanceOf(ReplayDetectedException.class).hasMessageContaining("below the replay window");
        assertThatThrownBy(() -> guard.admit(TestPackets.packet(DEVICE, 0, T, 20), T))
                .isInstanceOf(ReplayDetectedException.class);
    }

    @Test
    void identical_bytes_below_the_window_are_a_replay_not_a_duplicate() {
        guard.admit(TestPackets.packet(DEVICE, 1, T, 20), T);
        guard.admit(TestPackets.packet(DEVICE, 200, T, 20), T);
        assertThatThrownBy(() -> guard.admit(TestPackets.packet(DEVICE, 1, T, 20), T))
                .isInstanceOf(ReplayDetectedException.class);
    }

    @Test
    void state_survives_a_restart_neither_reaccepting_old_nor_rejecting_new() {
        guard.admit(TestPackets.packet(DEVICE, 500, T, 20), T);
        db.close();
        db = TestDatabase.open(dir);
        ReplayGuard restarted = new ReplayGuard(db, 64, "gw-test", 1000, 60_000);
        guard = restarted;
        assertThat(restarted.admit(TestPackets.packet(DEVICE, 500, T, 20), T)).isEqualTo(AdmitVerdict.DUPLICATE);
        assertThatThrownBy(() -> restarted.admit(TestPackets.packet(DEVICE, 400, T, 20), T))
                .isInstanceOf(ReplayDetectedException.class);
        assertThat(restarted.admit(TestPackets.packet(DEVICE, 501, T, 20), T)).isEqualTo(AdmitVerdict.ACCEPTED);
    }

    @Test
    void concurrent_copies_of_one_sequence_are_accepted_once_whatever_group_they_land_in() throws Exception {
        int threads = 16;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.List<java.util.concurrent.Future<Object>> outcomes = new java.util.ArrayList<>();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < threads; i++) {
            double temperature = i % 2 == 0 ? 20 : 21; // two different contents for the same sequence number
            outcomes.add(pool.submit(() -> {
                start.await();
                try {
                    return guard.admit(TestPackets.packet(DEVICE, 9, T, temperature), T);
                } catch (ReplayDetectedException e) {
                    return e.kind();
                }
            }));
        }
        start.countDown();
        java.util.List<Object> results = new java.util.ArrayList<>();
        for (java.util.concurrent.Future<Object> outcome : outcomes) {
            results.add(outcome.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(results).filteredOn(r -> r == AdmitVerdict.ACCEPTED).hasSize(1);
        assertThat(results).filteredOn(r -> r == AdmitVerdict.DUPLICATE).hasSize(threads / 2 - 1);
        assertThat(results).filteredOn(r -> r == SecurityEventKind.REPLAY).hasSize(threads / 2);
        assertThat(journalled()).isEqualTo(1);
    }

    @Test
    void one_group_holding_new_packets_a_duplicate_and_a_replay_commits_the_new_once_and_names_the_replay() {
        guard = new ReplayGuard(db, 64, "gw-test", 2, 60_000);
        var original = TestPackets.packet(DEVICE, 5, T, 20);
        guard.admit(original, T);
        var group = java.util.List.of(
                pending(TestPackets.packet(DEVICE, 6, T, 20)),
                pending(TestPackets.packet(DEVICE, 6, T, 20)),
                pending(original),
                pending(TestPackets.packet(DEVICE, 5, T, 99)),
                pending(TestPackets.packet("esp32-lab-02", 1, T, 20)));
        ReplayGuard.GroupOutcome outcome = guard.commit(group, T);
        assertThat(outcome.accepted()).isEqualTo(2);
        assertThat(outcome.duplicates()).isEqualTo(2);
        assertThat(outcome.rejected()).singleElement().satisfies(r -> {
            assertThat(r.pending()).isSameAs(group.get(3));
            assertThat(r.error().getMessage()).contains("different content");
        });
        // The journalled packet 5 and the two new ones make a batch of at most 2: two batches, evenly filled.
        assertThat(outcome.batches()).hasSize(2);
        assertThat(journalled()).isEqualTo(3);
        assertThat(Tx.read(db, c -> Tx.rows(c, "select count(*) as n from gateway_pending")).get(0).get("n"))
                .isEqualTo(0L);
    }

    @Test
    void a_group_whose_oldest_packet_waited_the_batch_timeout_is_sealed_by_the_commit_itself() {
        guard = new ReplayGuard(db, 64, "gw-test", 100, 50);
        var first = TestPackets.packet(DEVICE, 1, T, 20);
        ReplayGuard.GroupOutcome early = guard.commit(java.util.List.of(new ReplayGuard.Pending(first,
                first.canonicalJson(), T)), T + 10);
        assertThat(early.batches()).as("10 ms old: journalled").isEmpty();
        assertThat(guard.sealDue(T + 20).batches()).as("the timer's check: not due yet").isEmpty();
        var second = TestPackets.packet(DEVICE, 2, T, 20);
        ReplayGuard.GroupOutcome late = guard.commit(java.util.List.of(new ReplayGuard.Pending(second,
                second.canonicalJson(), T + 50)), T + 55);
        // The journalled packet has waited 55 ms: this commit seals it with the new one, no timer needed.
        assertThat(late.batches()).hasSize(1);
        assertThat(journalled()).isEqualTo(2);
        assertThat(Tx.read(db, c -> Tx.rows(c, "select count(*) as n from gateway_pending")).get(0).get("n"))
                .isEqualTo(0L);
    }

    @Test
    void under_load_a_commit_seals_early_once_enough_packets_waited_the_early_time() {
        guard = new ReplayGuard(db, 64, "gw-test", 100, 60_000).sealEarly(3, 40);
        java.util.List<ReplayGuard.Pending> two = java.util.List.of(
                pending(TestPackets.packet(DEVICE, 1, T, 20)), pending(TestPackets.packet(DEVICE, 2, T, 20)));
        assertThat(guard.commit(two, T + 45).batches()).as("2 pending, under the early size: journalled").isEmpty();
        var third = TestPackets.packet(DEVICE, 3, T, 20);
        var fresh = guard.commit(java.util.List.of(new ReplayGuard.Pending(third, third.canonicalJson(), T + 46)), T + 47);
        // 3 pending, the oldest 47 ms old: sealed now, not at 100 packets or the 60 s timeout.
        assertThat(fresh.batches()).hasSize(1);
        assertThat(journalled()).isEqualTo(3);
        var fourth = TestPackets.packet(DEVICE, 4, T, 20);
        var fifth = TestPackets.packet(DEVICE, 5, T, 20);
        var sixth = TestPackets.packet(DEVICE, 6, T, 20);
        var young = guard.commit(java.util.List.of(new ReplayGuard.Pending(fourth, fourth.canonicalJson(), T + 100),
                new ReplayGuard.Pending(fifth, fifth.canonicalJson(), T + 100),
                new ReplayGuard.Pending(sixth, sixth.canonicalJson(), T + 100)), T + 120);
        assertThat(young.batches()).as("3 pending but only 20 ms old: journalled").isEmpty();
    }

    private static ReplayGuard.Pending pending(io.vigil.model.Packet packet) {
        return new ReplayGuard.Pending(packet, packet.canonicalJson(), T);
    }

    @Test
    void devices_have_independent_windows() {
        guard.admit(TestPackets.packet(DEVICE, 1000, T, 20), T);
        assertThat(guard.admit(TestPackets.packet("esp32-lab-02", 1, T, 20), T)).isEqualTo(AdmitVerdict.ACCEPTED);
    }
}
