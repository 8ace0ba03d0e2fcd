package io.vigil.ml;

import io.vigil.ml.train.Scenarios;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamingModelsTest {

    private static List<Scenarios.Row> rows() {
        return Scenarios.generate(new Scenarios.Spec(5, 1, 400, 1_000, 10, 0, List.of()));
    }

    @Test
    void a_device_forest_grades_only_after_its_warm_up() {
        StreamingModels models = new StreamingModels(10, 20, 128, 1);
        List<Scenarios.Row> rows = rows();
        for (int i = 0; i < StreamingModels.WARM_UP; i++) {
            assertThat(models.process("d", rows.get(i).features(), i, null).ready()).isFalse();
        }
        assertThat(models.process("d", rows.get(StreamingModels.WARM_UP).features(), 0, null).ready()).isTrue();
    }

    @Test
    void a_fleets_saves_are_spread_over_the_period_each_device_once() {
        StreamingModels models = new StreamingModels(1000, 5, 32, 1);
        List<Scenarios.Row> rows = rows();
        for (int d = 0; d < 300; d++) {
            models.process("dev-" + d, rows.get(d).features(), d, null);
        }
        java.util.Set<String> saved = new java.util.HashSet<>();
        int most = 0;
        for (long now = 1_000; now <= 60_000; now += 1_000) { // a tick a second, a period of a minute
            List<String> due = models.takeDue(now, 60_000);
            most = Math.max(most, due.size());
            for (String id : due) {
                assertThat(saved.add(id)).as(id + " taken twice in one period").isTrue();
            }
        }
        assertThat(saved).hasSize(300);
        assertThat(most).as("the most saved at one tick (300 over 60 ticks)").isLessThanOrEqualTo(20);
        assertThat(models.takeDue(61_000, 60_000)).as("nothing changed since").isEmpty();
        models.process("dev-7", rows.get(7).features(), 400, null);
        assertThat(models.takeDue(200_000, 60_000)).as("a period or more after the last call: every changed device")
                .containsExactly("dev-7");
    }

    @Test
    void a_saved_forest_restored_grades_exactly_as_the_one_that_kept_running() {
        StreamingModels running = new StreamingModels(10, 20, 128, 1);
        List<Scenarios.Row> rows = rows();
        for (int i = 0; i < 300; i++) {
            running.process("d", rows.get(i).features(), i, null);
        }
        Map<String, byte[]> saved = running.changed();
        assertThat(saved).containsKey("d");
        assertThat(running.changed()).as("nothing changed since").isEmpty();

        StreamingModels restarted = new StreamingModels(10, 20, 128, 1);
        for (int i = 300; i < 400; i++) {
            StreamingModels.Grade a = running.process("d", rows.get(i).features(), i, null);
            StreamingModels.Grade b = restarted.process("d", rows.get(i).features(), i, saved::get);
            assertThat(b.score()).as("row %d", i).isEqualTo(a.score());
            assertThat(b.grade()).as("row %d", i).isEqualTo(a.grade());
            assertThat(b.ready()).isTrue();
        }
    }

    @Test
    void a_stored_state_of_another_version_starts_the_device_afresh() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
            // the shape of a thresholded forest's state, as versions before 2 saved it
            gz.write("{\"forestState\":{\"numberOfTrees\":5},\"lastAnomalyTimeStamp\":0}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        StreamingModels models = new StreamingModels(10, 5, 16, 1);
        List<Scenarios.Row> rows = rows();
        for (int i = 0; i <= StreamingModels.WARM_UP; i++) {
            StreamingModels.Grade g = models.process("d", rows.get(i).features(), i, id -> bytes.toByteArray());
            assertThat(g.ready()).as("packet %d of a fresh forest", i).isEqualTo(i == StreamingModels.WARM_UP);
        }
        assertThat(models.changed().get("d")).as("saved in the new version").isNotNull();
    }

    @Test
    void at_most_max_devices_forests_stay_in_memory() {
        StreamingModels models = new StreamingModels(2, 10, 64, 1);
        double[] f = rows().get(0).features();
        models.process("a", f, 0, null);
        models.process("b", f, 0, null);
        models.process("c", f, 0, null);
        assertThat(models.size()).isEqualTo(2);
    }
}
