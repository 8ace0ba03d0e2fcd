package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.model.Packet;
import io.vigil.model.RateLimitExceededException;
import io.vigil.model.SanityCheckException;
import io.vigil.model.SchemaViolationException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Validate and sanity stages: what they refuse and the reasons they give. */
class PacketValidatorTest {

    private static final long T = 1_795_000_000_000L;
    private final PacketValidator validator = new PacketValidator(4096);
    private final SanityChecker sanity = new SanityChecker(300_000, 20, -40, 125, 200_000);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void any_json_spelling_of_the_same_values_has_one_canonical_form() {
        String a = TestPackets.signed("esp32-lab-01", 1, T, 22.0);
        String b = a.replace("\"battery_level\":87.0", "\"battery_level\" :  87");
        assertThat(b).isNotEqualTo(a);
        assertThat(validator.validate(utf8(b)).canonicalJson()).isEqualTo(validator.validate(utf8(a)).canonicalJson());
    }

    @Test
    void rejects_oversized_packets_before_parsing() {
        byte[] big = new byte[4097];
        assertThatThrownBy(() -> validator.validate(big)).isInstanceOf(SchemaViolationException.class)
                .hasMessageContaining("4097 bytes; the limit is 4096");
    }

    @Test
    void rejects_malformed_json_duplicate_keys_and_unknown_fields() {
        assertThatThrownBy(() -> validator.validate(utf8("{\"device_id\": \"x"))).isInstanceOf(SchemaViolationException.class)
                .hasMessageContaining("not valid JSON");
        String signed = TestPackets.signed("esp32-lab-01", 1, T, 22.0);
        assertThatThrownBy(() -> validator.validate(utf8(signed.replace("{\"device_id\"", "{\"cpu_usage\":1,\"device_id\""))))
                .isInstanceOf(SchemaViolationException.class).hasMessageContaining("Duplicate field");
        assertThatThrownBy(() -> validator.validate(utf8(signed.replace("{\"device_id\"", "{\"admin\":true,\"device_id\""))))
                .isInstanceOf(SchemaViolationException.class).hasMessageContaining("admin");
    }

    @Test
    void rejects_anything_after_the_first_json_value() {
        String signed = TestPackets.signed("esp32-lab-01", 1, T, 22.0);
        assertThatThrownBy(() -> validator.validate(utf8(signed + signed))).isInstanceOf(SchemaViolationException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> validator.validate(utf8(signed + " x"))).isInstanceOf(SchemaViolationException.class);
    }

    @Test
    void rejects_values_outside_the_schema_and_keeps_a_well_formed_device_id() {
        String signed = TestPackets.signed("esp32-lab-01", 1, T, 22.0);
        assertThatThrownBy(() -> validator.validate(utf8(signed.replace("\"cpu_usage\":12.5", "\"cpu_usage\":101"))))
                .isInstanceOf(SchemaViolationException.class)
                .satisfies(e -> assertThat(((SchemaViolationException) e).deviceId()).isEqualTo("esp32-lab-01"));
        assertThatThrownBy(() -> validator.validate(utf8(signed.replace("esp32-lab-01", "../../etc"))))
                .isInstanceOf(SchemaViolationException.class)
                .satisfies(e -> assertThat(((SchemaViolationException) e).deviceId()).isNull());
    }

    @Test
    void clock_skew_is_checked_at_the_boundary() {
        Packet packet = TestPackets.packet("esp32-lab-01", 1, T, 22.0);
        assertThat(sanity.check(packet, T + 300_000)).isSameAs(packet);
        assertThatThrownBy(() -> sanity.check(packet, T + 300_001)).isInstanceOf(SanityCheckException.class)
                .hasMessage("clock skew: the device clock is 300 s (5 min 0 s) behind, more than the 300 s (5 min 0 s) allowed");
        assertThatThrownBy(() -> sanity.check(TestPackets.packet("esp32-lab-01", 2, T + 3_600_000, 22.0), T))
                .hasMessageContaining("is 3,600 s (1 h 0 min) ahead");
    }

    @Test
    void implausible_sensor_values_are_sanity_events() {
        Packet hot = TestPackets.packet("esp32-lab-01", 1, T, 130.0);
        assertThatThrownBy(() -> sanity.check(hot, T)).isInstanceOf(SanityCheckException.class)
                .hasMessageContaining("temperature 130.0");
    }

    @Test
    void the_twenty_first_packet_within_one_second_of_device_time_exceeds_the_rate() {
        for (int i = 0; i < 20; i++) {
            sanity.checkRate(TestPackets.packet("esp32-lab-01", i, T + i * 10, 22.0));
        }
        assertThatThrownBy(() -> sanity.checkRate(TestPackets.packet("esp32-lab-01", 20, T + 500, 22.0)))
                .isInstanceOf(RateLimitExceededException.class);
        assertThat(sanity.checkRate(TestPackets.packet("esp32-lab-01", 21, T + 1000, 22.0))).isNotNull();
    }

    @Test
    void a_late_backlog_at_one_per_second_of_device_time_is_not_a_flood() {
        for (int i = 0; i < 200; i++) {
            assertThat(sanity.checkRate(TestPackets.packet("esp32-lab-02", i, T + i * 1000L, 22.0))).isNotNull();
        }
    }

    @Test
    void a_redelivered_sequence_does_not_spend_budget_twice() {
        for (int i = 0; i < 20; i++) {
            sanity.checkRate(TestPackets.packet("esp32-lab-03", i, T, 22.0));
        }
        assertThat(sanity.checkRate(TestPackets.packet("esp32-lab-03", 5, T, 22.0))).isNotNull();
        assertThatThrownBy(() -> sanity.checkRate(TestPackets.packet("esp32-lab-03", 20, T, 22.0)))
                .isInstanceOf(RateLimitExceededException.class);
    }

    @Test
    void a_burst_in_any_arrival_order_admits_exactly_the_limit_within_one_second_of_device_time() {
        for (long seed = 0; seed < 50; seed++) {
            SanityChecker fresh = new SanityChecker(300_000, 20, -40, 125, 200_000);
            java.util.List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; i < 25; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, new java.util.Random(seed));
            int admitted = 0;
            for (int i : order) {
                try {
                    fresh.checkRate(TestPackets.packet("esp32-lab-04", i, T + i, 22.0));
                    admitted++;
                } catch (RateLimitExceededException e) {
                    // refused
                }
            }
            assertThat(admitted).as("seed %d", seed).isEqualTo(20);
        }
    }
}
