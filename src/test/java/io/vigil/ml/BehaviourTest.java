package io.vigil.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each check of a device's own baselines: it speaks on its kind of event and stays quiet on normal variation. */
class BehaviourTest {

    private static final long T0 = 1_795_000_000_000L;

    /** A device at a 2 s period: 21 °C ± 0.2 in a room of its own humidity, cpu 12 ± 2, draining 1 %/h. */
    private static class Device {
        final String id;
        final Behaviour.State state = new Behaviour.State();
        final Random random = new Random(7);
        long t = T0;
        long seq;
        double temperature = 21;
        double humidity;
        double battery = 80;
        double cpu = 12;
        double drainPerHour = 1;
        long periodMs = 2_000;
        long skewMs = 300;

        Device(String id, double humidity) {
            this.id = id;
            this.humidity = humidity;
        }

        Features.Observation next(boolean heartbeat) {
            t += periodMs;
            battery -= drainPerHour * periodMs / 3_600_000.0;
            Map<String, Double> sensors = heartbeat ? Map.of() : Map.of(
                    "temperature", round(temperature + random.nextGaussian() * 0.2),
                    "humidity", round(humidity + random.nextGaussian() * 0.5),
                    "light", round(300 + random.nextDouble() * 4), "motion", 0.0);
            return new Features.Observation(id, heartbeat, seq++, t, round(cpu + random.nextGaussian() * 2),
                    round(battery), sensors, t + skewMs);
        }

        Behaviour.Finding step() {
            return Behaviour.assess(next(seq % 10 == 0), state, 0, 0);
        }

        /** Normal packets for {@code minutes}; returns the findings that said anomalous. */
        List<Behaviour.Finding> normal(int minutes) {
            List<Behaviour.Finding> flagged = new ArrayList<>();
            for (int i = 0; i < minutes * 60_000 / periodMs; i++) {
                Behaviour.Finding f = step();
                if (f.anomalous()) {
                    flagged.add(f);
                }
            }
            return flagged;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Test
    void a_normal_device_in_a_humid_room_raises_nothing() {
        Device d = new Device("humid", 64);
        assertThat(d.normal(30)).isEmpty();
    }

    @Test
    void slow_drift_is_found_though_the_baseline_follows_it() {
        Device d = new Device("drift", 45);
        d.normal(10);
        Behaviour.Finding found = null;
        for (int i = 1; i <= 80 && found == null; i++) {
            d.temperature += 0.05;
            Behaviour.Finding f = d.step();
            found = f.anomalous() ? f : null;
        }
        assertThat(found).isNotNull();
        assertThat(found.check()).isEqualTo("level");
        assertThat(d.temperature - 21).as("found within +4 °C").isLessThan(4);
    }

    @Test
    void a_plausible_spike_is_an_alert_level_finding() {
        Device d = new Device("spike", 45);
        d.normal(10);
        d.temperature = 35;
        Behaviour.Finding f = Behaviour.assess(d.next(false), d.state, 0, 0);
        assertThat(f.check()).as(f.detail()).isEqualTo("level");
        assertThat(f.confidence()).isGreaterThan(0.8);
    }

    @Test
    void a_frozen_sensor_is_found_and_ordinary_repeats_are_not() {
        Device d = new Device("stuck", 45);
        d.normal(10);
        Features.Observation frozen = d.next(false);
        Behaviour.Finding last = Behaviour.Finding.NONE;
        for (int i = 0; i < 20; i++) {
            d.t += d.periodMs;
            last = Behaviour.assess(new Features.Observation(d.id, false, d.seq++, d.t, 12, round(d.battery),
                    frozen.sensors(), d.t + 300), d.state, 0, 0);
        }
        assertThat(last.check()).isEqualTo("stuck");
        assertThat(last.anomalous()).isTrue();
    }

    /** 30 packets of {@code d} with one sensor held at {@code value} and the others as usual; the last finding. */
    private static Behaviour.Finding oneSensorFrozen(Device d, String sensor, double value) {
        Behaviour.Finding last = Behaviour.Finding.NONE;
        for (int i = 0; i < 30; i++) {
            Features.Observation o = d.next(false);
            Map<String, Double> sensors = new java.util.HashMap<>(o.sensors());
            sensors.put(sensor, value);
            last = Behaviour.assess(new Features.Observation(o.deviceId(), false, o.sequenceNo(), o.timestamp(),
                    o.cpuUsage(), o.batteryLevel(), sensors, o.referenceTime()), d.state, 0, 0);
        }
        return last;
    }

    @Test
    void a_temperature_frozen_while_humidity_moves_is_found_on_a_device_whose_temperature_always_moves() {
        Device d = new Device("stuck-temperature", 45);
        d.normal(10);
        Behaviour.Finding last = oneSensorFrozen(d, "temperature", 21.37);
        assertThat(last.check()).isEqualTo("stuck");
        assertThat(last.anomalous()).isTrue();
        assertThat(last.detail()).contains("the same temperature 30 packets");
    }

    @Test
    void a_humidity_frozen_while_temperature_moves_is_found_and_a_coarse_humidity_sensor_is_not() {
        Device d = new Device("stuck-humidity", 45);
        assertThat(d.normal(10)).isEmpty();
        Behaviour.Finding last = oneSensorFrozen(d, "humidity", 44.81);
        assertThat(last.check()).isEqualTo("stuck");
        assertThat(last.anomalous()).isTrue();
        assertThat(last.detail()).contains("the same humidity 30 packets");

        // A sensor that reports whole %RH repeats its reading most of the time: 30 repeats are its normal.
        Device coarse = new Device("coarse-humidity", 45) {
            @Override
            Features.Observation next(boolean heartbeat) {
                Features.Observation o = super.next(heartbeat);
                if (heartbeat) {
                    return o;
                }
                Map<String, Double> sensors = new java.util.HashMap<>(o.sensors());
                sensors.put("humidity", (double) Math.round(sensors.get("humidity") / 2) * 2);
                return new Features.Observation(o.deviceId(), false, o.sequenceNo(), o.timestamp(), o.cpuUsage(),
                        o.batteryLevel(), sensors, o.referenceTime());
            }
        };
        assertThat(coarse.normal(10)).isEmpty();
        assertThat(oneSensorFrozen(coarse, "humidity", 44).anomalous()).isFalse();
    }

    @Test
    void a_cpu_burst_is_busy_and_a_creep_that_stays_is_not() {
        Device d = new Device("cpu", 45);
        d.normal(10);
        d.cpu = 75;
        for (int i = 0; i < 5; i++) {
            assertThat(d.step().anomalous()).as("a burst of 5 packets").isFalse();
        }
        d.cpu = 12;
        d.normal(5);
        Behaviour.Finding found = null;
        for (int i = 0; i < 150 && found == null; i++) {
            d.cpu = Math.min(70, d.cpu + 0.5);
            Behaviour.Finding f = d.step();
            found = f.anomalous() ? f : null;
        }
        assertThat(found).isNotNull();
        assertThat(found.check()).isEqualTo("cpu_sustained");
    }

    @Test
    void a_battery_draining_three_times_faster_is_found_and_charging_is_not() {
        Device d = new Device("battery", 45);
        d.drainPerHour = 2;
        assertThat(d.normal(15)).isEmpty();
        d.drainPerHour = -25;
        assertThat(d.normal(5)).as("charging").isEmpty();
        d.drainPerHour = 2;
        d.normal(10);
        d.drainPerHour = 6;
        assertThat(d.normal(5)).extracting(Behaviour.Finding::check).contains("battery_drain");
    }

    @Test
    void heartbeats_only_are_found() {
        Device d = new Device("beats", 45);
        d.normal(5);
        Behaviour.Finding f = Behaviour.Finding.NONE;
        for (int i = 0; i < 6; i++) {
            f = Behaviour.assess(d.next(true), d.state, 0, 0);
        }
        assertThat(f.check()).isEqualTo("heartbeats_only");
        assertThat(f.anomalous()).isTrue();
    }

    @Test
    void a_clock_off_its_usual_skew_is_found_but_a_fleet_wide_delay_is_not() {
        Device d = new Device("clock", 45);
        d.normal(5);
        d.skewMs = 180_300;
        assertThat(Behaviour.assess(d.next(false), d.state, 180, 0).anomalous()).as("the whole fleet is late").isFalse();
        Behaviour.Finding f = Behaviour.assess(d.next(false), d.state, 0, 0);
        assertThat(f.check()).isEqualTo("clock");
        assertThat(f.confidence()).isGreaterThan(0.9);
    }

    @Test
    void erratic_sampling_is_found_and_a_burst_sent_at_once_is_not() {
        Device d = new Device("sampling", 45);
        d.normal(5);
        for (int i = 0; i < 5; i++) {
            d.t -= d.periodMs - 5;
            assertThat(d.step().anomalous()).as("5 packets at once").isFalse();
        }
        d.normal(1);
        assertThat(samplesErratically(d)).isTrue();
    }

    /** Whether 40 packets at 0.1–4 times the device's period, in order, are found as erratic sampling. */
    private static boolean samplesErratically(Device d) {
        Random r = new Random(3);
        boolean found = false;
        for (int i = 0; i < 40; i++) {
            d.periodMs = (long) (2_000 * (0.1 + r.nextDouble() * 3.9));
            Behaviour.Finding f = d.step();
            found |= f.anomalous() && f.check().equals("sampling");
        }
        return found;
    }

    @Test
    void packets_out_of_order_or_lost_on_the_way_are_not_erratic_sampling() {
        // A device sampling every 2 s exactly whose packets reach the server shuffled in pairs (several connections, a
        // gateway's parallel workers) and with one in five lost: its intervals a sequence step are all 2 s.
        Device d = new Device("shuffled", 45);
        d.normal(5);
        List<Features.Observation> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            sent.add(d.next(false));
        }
        Random r = new Random(11);
        List<Behaviour.Finding> flagged = new ArrayList<>();
        for (int i = 0; i + 1 < sent.size(); i += 2) {
            List<Features.Observation> pair = new ArrayList<>(List.of(sent.get(i), sent.get(i + 1)));
            if (r.nextBoolean()) {
                java.util.Collections.reverse(pair);
            }
            for (Features.Observation o : pair) {
                Behaviour.Finding f = r.nextInt(5) == 0 ? Behaviour.Finding.NONE : Behaviour.assess(o, d.state, 0, 0);
                if (f.anomalous()) {
                    flagged.add(f);
                }
            }
        }
        assertThat(flagged).extracting(Behaviour.Finding::check).doesNotContain("sampling");
        // The same device then sampling erratically, in order: found.
        assertThat(samplesErratically(d)).as("erratic sampling after the shuffle").isTrue();
    }

    @Test
    void a_device_copying_another_devices_readings_is_the_one_found() {
        FleetReadings fleet = new FleetReadings();
        Device original = new Device("original", 45);
        Device copier = new Device("copier", 50);
        Behaviour.Finding copierFinding = Behaviour.Finding.NONE;
        boolean originalFlagged = false;
        for (int i = 0; i < 600; i++) {
            Features.Observation o = original.next(false);
            Behaviour.Finding f = Behaviour.assess(o, original.state, 0, fleet.copied(o, original.state.usualSkew));
            originalFlagged |= f.anomalous();
            Features.Observation mine = copier.next(false);
            Features.Observation copy = i < 300 ? mine : new Features.Observation(mine.deviceId(), false,
                    mine.sequenceNo(), mine.timestamp() + 500, mine.cpuUsage(), mine.batteryLevel(), o.sensors(),
                    mine.referenceTime() + 500);
            copierFinding = Behaviour.assess(copy, copier.state, 0, fleet.copied(copy, copier.state.usualSkew));
            if (i < 300) {
                assertThat(copierFinding.anomalous()).isFalse();
            }
        }
        assertThat(copierFinding.check()).isEqualTo("mimicry");
        assertThat(copierFinding.anomalous()).isTrue();
        assertThat(originalFlagged).isFalse();
    }
}
