package io.vigil.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FeaturesTest {

    private static Features.Observation telemetry(long seq, long t, double cpu, double battery, double temperature) {
        return new Features.Observation("d", false, seq, t, cpu, battery,
                Map.of("temperature", temperature, "humidity", 40.0, "light", 300.0, "motion", 0.0), t + 500);
    }

    private static double f(double[] row, String name) {
        return row[Features.NAMES.indexOf(name)];
    }

    @Test
    void a_device_s_first_packet_looks_ordinary() {
        double[] row = Features.extract(telemetry(7, 10_000, 12, 80, 21), new Features.DeviceContext());
        assertThat(f(row, "inter_arrival_ratio")).isEqualTo(1.0);
        assertThat(f(row, "sequence_gap")).isEqualTo(1.0);
        assertThat(f(row, "battery_drain_per_min")).isZero();
        assertThat(f(row, "temperature_dev")).isZero();
        assertThat(f(row, "clock_skew_s")).isEqualTo(0.5);
    }

    @Test
    void gaps_drain_and_deviation_are_measured_against_the_device_s_past() {
        Features.DeviceContext ctx = new Features.DeviceContext();
        for (int i = 0; i < 50; i++) {
            Features.extract(telemetry(i, i * 1_000L, 12, 80, 21), ctx);
        }
        double[] row = Features.extract(telemetry(60, 59_000, 12, 74, 95), ctx);
        assertThat(f(row, "sequence_gap")).isEqualTo(11.0);
        assertThat(f(row, "inter_arrival_ratio")).isCloseTo(10.0, within(1e-9));
        // 6 points in 10 s, counted over at least a minute
        assertThat(f(row, "battery_drain_per_min")).isCloseTo(6.0, within(1e-9));
        assertThat(f(row, "temperature_dev")).isGreaterThan(100);
    }

    @Test
    void a_heartbeat_carries_the_last_readings_and_an_outlier_barely_moves_the_baseline() {
        Features.DeviceContext ctx = new Features.DeviceContext();
        for (int i = 0; i < 50; i++) {
            Features.extract(telemetry(i, i * 1_000L, 12, 80, 21), ctx);
        }
        Features.extract(telemetry(50, 50_000, 12, 80, 95), ctx);
        double[] heartbeat = Features.extract(new Features.Observation("d", true, 51, 51_000, 12, 80, Map.of(),
                51_100), ctx);
        assertThat(f(heartbeat, "temperature")).isEqualTo(95.0);
        assertThat(f(heartbeat, "temperature_dev")).isZero();
        assertThat(f(heartbeat, "heartbeat")).isEqualTo(1.0);
        double[] next = Features.extract(telemetry(52, 52_000, 12, 80, 21), ctx);
        assertThat(Math.abs(f(next, "temperature_dev"))).as("winsorised baseline").isLessThan(1.0);
    }

    @Test
    void a_packet_older_than_one_already_seen_reads_as_ordinary_timing() {
        Features.DeviceContext ctx = new Features.DeviceContext();
        for (int i = 0; i < 20; i++) {
            Features.extract(telemetry(i, i * 1_000L, 12, 80, 21), ctx);
        }
        Features.extract(telemetry(22, 22_000, 12, 80, 21), ctx);
        double[] late = Features.extract(telemetry(21, 21_000, 12, 80, 21), ctx);
        assertThat(f(late, "sequence_gap")).isEqualTo(1.0);
        assertThat(f(late, "inter_arrival_ratio")).isEqualTo(1.0);
        double[] next = Features.extract(telemetry(23, 23_000, 12, 80, 21), ctx);
        assertThat(f(next, "sequence_gap")).as("measured from 22, the newest").isEqualTo(1.0);
    }
}
