package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.crypto.Ed25519;
import io.vigil.db.Tx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning a fleet from a devices file: all or nothing, in one transaction, existing devices kept. */
class DeviceRegistryTest {

    @TempDir
    Path dir;
    private HikariDataSource db;

    @BeforeEach
    void open() {
        db = TestDatabase.open(dir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static List<String[]> fleet(int n) {
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("fleet-%05d", i);
            pairs.add(new String[] {id, Ed25519.encode(Ed25519.demoKey(id).generatePublicKey())});
        }
        return pairs;
    }

    private long devices() {
        return Tx.read(db, c -> ((Number) Tx.rows(c, "select count(*) as n from devices").get(0).get("n")).longValue());
    }

    @Test
    void a_fleet_is_provisioned_at_once_and_again_changes_nothing() {
        DeviceRegistry registry = new DeviceRegistry(db);
        assertThat(registry.provision("fleet-00003", fleet(4).get(3)[1], 1)).isEqualTo(DeviceRegistry.Provisioned.CREATED);
        assertThat(registry.provisionAll(fleet(2_000), 2)).isEqualTo(1_999);
        assertThat(devices()).isEqualTo(2_000);
        assertThat(new DeviceRegistry(db).key("fleet-01999")).isPresent();
        assertThat(registry.provisionAll(fleet(2_000), 3)).isZero();
        assertThat(devices()).isEqualTo(2_000);
    }

    @Test
    void one_bad_line_stores_nothing_and_says_which() {
        List<String[]> pairs = fleet(10);
        pairs.set(7, new String[] {"fleet-00007", "not-a-key"});
        assertThatThrownBy(() -> new DeviceRegistry(db).provisionAll(pairs, 1)).hasMessageContaining("fleet-00007");
        pairs.set(7, new String[] {"Bad Id", pairs.get(6)[1]});
        assertThatThrownBy(() -> new DeviceRegistry(db).provisionAll(pairs, 1)).hasMessageContaining("Bad Id");
        assertThat(devices()).isZero();
    }
}
