package io.vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The field trial is reproducible, labels every packet of an event, and holds every kind of event. */
class FieldTrialTest {

    @Test
    void the_same_seed_gives_the_same_trial_with_every_kind_labelled() {
        FieldTrial.Spec spec = new FieldTrial.Spec(5, 12, 1_800_000, 18, true);
        FieldTrial.Trial a = FieldTrial.generate(spec, false);
        FieldTrial.Trial b = FieldTrial.generate(spec, false);
        assertThat(a.packets()).hasSameSizeAs(b.packets());
        assertThat(a.packets().get(1000).packet()).isEqualTo(b.packets().get(1000).packet());
        Set<FieldTrial.Kind> kinds = EnumSet.noneOf(FieldTrial.Kind.class);
        a.events().forEach(e -> kinds.add(e.kind()));
        assertThat(kinds).containsExactlyInAnyOrder(FieldTrial.Kind.values());
        for (FieldTrial.Event e : a.events()) {
            assertThat(a.packets()).as("packets of event %s", e)
                    .anyMatch(p -> p.event() == e && p.deviceId().equals(e.deviceId()));
        }
        assertThat(a.packets()).filteredOn(p -> p.event() != null)
                .allMatch(p -> p.deviceId().equals(p.event().deviceId()));
    }

    @Test
    void signed_packets_verify_under_the_device_demo_key() throws Exception {
        FieldTrial.Emitted p = FieldTrial.generate(new FieldTrial.Spec(6, 2, 60_000, 0, false), true).packets().get(3);
        SimDevice device = new SimDevice(p.deviceId(), 0, 0);
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode)
                io.vigil.crypto.CanonicalJson.parse(p.packet().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] signed = io.vigil.crypto.CanonicalJson.bytesWithout(node, "sig");
        assertThat(io.vigil.crypto.Ed25519.VerifyKey.of(device.publicKey()).verify(signed, node.get("sig").asText()))
                .isTrue();
    }

    @Test
    void noisy_mimicry_changes_only_the_copies() {
        FieldTrial.Trial exact = FieldTrial.generate(new FieldTrial.Spec(5, 12, 1_800_000, 18, true, false), false);
        FieldTrial.Trial noisy = FieldTrial.generate(new FieldTrial.Spec(5, 12, 1_800_000, 18, true, true), false);
        assertThat(noisy.packets()).hasSameSizeAs(exact.packets());
        int copies = 0;
        int differ = 0;
        for (int i = 0; i < exact.packets().size(); i++) {
            FieldTrial.Emitted e = exact.packets().get(i);
            FieldTrial.Emitted n = noisy.packets().get(i);
            boolean copy = e.event() != null && e.event().kind() == FieldTrial.Kind.MIMICRY
                    && e.packet().contains("\"temperature\"");
            if (!copy) {
                assertThat(n.packet()).as("packet %d", i).isEqualTo(e.packet());
            } else {
                copies++;
                differ += n.packet().equals(e.packet()) ? 0 : 1;
            }
        }
        assertThat(copies).isPositive();
        assertThat(differ).as("noisy copies of %d", copies).isGreaterThan(copies * 9 / 10);
    }

    @Test
    void one_sensor_stuck_freezes_one_reading_and_changes_nothing_else() throws Exception {
        FieldTrial.Trial all = FieldTrial.generate(new FieldTrial.Spec(5, 12, 1_800_000, 18, true, false, false), false);
        FieldTrial.Trial one = FieldTrial.generate(new FieldTrial.Spec(5, 12, 1_800_000, 18, true, false, true), false);
        assertThat(one.packets()).hasSameSizeAs(all.packets());
        java.util.Map<Integer, java.util.Set<Double>> temperatures = new java.util.HashMap<>();
        java.util.Map<Integer, java.util.Set<Double>> humidities = new java.util.HashMap<>();
        for (int i = 0; i < all.packets().size(); i++) {
            FieldTrial.Emitted a = all.packets().get(i);
            FieldTrial.Emitted o = one.packets().get(i);
            if (a.event() == null || a.event().kind() != FieldTrial.Kind.STUCK) {
                assertThat(o.packet()).as("packet %d", i).isEqualTo(a.packet());
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode sensors = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(o.packet()).path("sensors");
            if (sensors.has("temperature")) {
                temperatures.computeIfAbsent(a.event().id(), k -> new java.util.HashSet<>())
                        .add(sensors.get("temperature").asDouble());
                humidities.computeIfAbsent(a.event().id(), k -> new java.util.HashSet<>())
                        .add(sensors.get("humidity").asDouble());
            }
        }
        assertThat(temperatures).isNotEmpty();
        temperatures.forEach((id, values) -> {
            java.util.Set<Double> frozen = id % 2 == 0 ? values : humidities.get(id);
            java.util.Set<Double> moving = id % 2 == 0 ? humidities.get(id) : values;
            assertThat(frozen).as("event %d: the stuck reading", id).hasSize(1);
            assertThat(moving).as("event %d: the other reading", id).hasSizeGreaterThan(1);
        });
    }
}
