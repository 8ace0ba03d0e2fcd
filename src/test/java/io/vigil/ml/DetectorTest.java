package io.vigil.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DetectorTest {

    private static final StreamingModels.Grade QUIET = new StreamingModels.Grade(0, 0.5, true);
    private static final StreamingModels.Grade LOUD = new StreamingModels.Grade(0.8, 3, true);

    @Test
    void the_isolation_score_maps_its_threshold_to_one_half() {
        assertThat(Detector.isolationConfidence(0.7, 0.7)).isEqualTo(0.5);
        assertThat(Detector.isolationConfidence(1.0, 0.7)).isEqualTo(1.0);
        assertThat(Detector.isolationConfidence(0.6, 0.7)).isCloseTo(0.25, within(1e-12));
        assertThat(Detector.isolationConfidence(0.4, 0.7)).isEqualTo(0.0);
    }

    @Test
    void the_random_forest_decides_alone() {
        Detector.Verdict v = Detector.combine(0.93, "rf", 0.3, 0.7, "if", QUIET, "rcf");
        assertThat(v.label()).isEqualTo("anomalous");
        assertThat(v.confidence()).isEqualTo(0.93);
        assertThat(v.model()).isEqualTo("rf");
    }

    @Test
    void the_unsupervised_pair_decides_only_together_and_clearly() {
        // isolation 0.7 + 0.3 × 0.8 / ... : score 0.94 against threshold 0.7 gives 0.9; device forest 0.9
        Detector.Verdict both = Detector.combine(0.1, "rf", 0.94, 0.7, "if", LOUD, "rcf");
        assertThat(both.label()).isEqualTo("anomalous");
        assertThat(both.model()).isEqualTo("if+rcf");
        assertThat(both.confidence()).isCloseTo(0.9, within(1e-12));

        assertThat(Detector.combine(0.1, "rf", 0.94, 0.7, "if", QUIET, "rcf").label()).isEqualTo("normal");
        assertThat(Detector.combine(0.1, "rf", 0.3, 0.7, "if", LOUD, "rcf").label()).isEqualTo("normal");
        // both past their thresholds but the isolation forest only just (0.55 < 0.6): normal
        assertThat(Detector.combine(0.1, "rf", 0.73, 0.7, "if", LOUD, "rcf").label()).isEqualTo("normal");
    }

    @Test
    void a_device_forest_still_warming_up_has_no_say() {
        StreamingModels.Grade young = new StreamingModels.Grade(1.0, 5, false);
        assertThat(young.confidence()).isZero();
        assertThat(Detector.combine(0.1, "rf", 0.99, 0.7, "if", young, "rcf").label()).isEqualTo("normal");
    }
}
