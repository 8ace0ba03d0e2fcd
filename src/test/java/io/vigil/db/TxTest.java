package io.vigil.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.boot.Database;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TxTest {

    @TempDir
    Path dir;

    @Test
    void writing_transactions_on_the_embedded_database_take_turns_so_no_commit_writes_another_ones_uncommitted_rows()
            throws Exception {
        try (HikariDataSource db = Database.open(Database.defaultUrl(dir), "", "", 4)) {
            CountDownLatch firstWrote = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            CountDownLatch secondStarted = new CountDownLatch(1);
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> Tx.inTransaction(db, c -> {
                Tx.update(c, "insert into server_counters (name, total) values ('tx-test-a', 1)");
                firstWrote.countDown();
                try {
                    releaseFirst.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertThat(firstWrote.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> Tx.inTransaction(db, c -> {
                secondStarted.countDown();
                Tx.update(c, "insert into server_counters (name, total) values ('tx-test-b', 1)");
                return null;
            }));
            // While the first transaction is open with a row written, the second does not begin.
            assertThat(secondStarted.await(300, TimeUnit.MILLISECONDS)).isFalse();
            releaseFirst.countDown();
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
            assertThat(secondStarted.getCount()).isZero();
            java.util.List<java.util.Map<String, Object>> rows =
                    Tx.read(db, c -> Tx.rows(c, "select name from server_counters where name like 'tx-test-%'"));
            assertThat(rows).hasSize(2);
        }
    }

    @Test
    void a_writer_that_waits_goes_before_one_that_writes_again_so_a_busy_writer_cannot_starve_the_others()
            throws Exception {
        try (HikariDataSource db = Database.open(Database.defaultUrl(dir), "", "", 4)) {
            java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            CountDownLatch releaseFirst = new CountDownLatch(1);
            CountDownLatch firstIn = new CountDownLatch(1);
            // A busy writer (the refusals' recorder under a flood): one transaction, then straight away the next.
            CompletableFuture<Void> busy = CompletableFuture.runAsync(() -> {
                Tx.inTransaction(db, c -> {
                    order.add("busy 1");
                    firstIn.countDown();
                    try {
                        releaseFirst.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
                Tx.inTransaction(db, c -> order.add("busy 2"));
            });
            assertThat(firstIn.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> Tx.inTransaction(db, c -> order.add("other")));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> Tx.waitingWriters() == 1);
            releaseFirst.countDown();
            busy.get(30, TimeUnit.SECONDS);
            other.get(30, TimeUnit.SECONDS);
            assertThat(order).containsExactly("busy 1", "other", "busy 2");
        }
    }
}
