package io.vigil.ml;

import io.vigil.ml.train.Training;
import io.vigil.ml.train.Scenarios;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models the build trained, as ONNX Runtime runs them through DJL, against the Java forests they were
 * exported from, on 1,000 rows of a scenario the models never saw (another seed), and a retraining that
 * reproduces the build's files byte for byte.
 */
class OnnxAgreementTest {

    private static Training.Result trained;
    private static OnnxModels onnx;
    private static double[][] rows;
    private static List<Scenarios.Row> scenario;

    @BeforeAll
    static void train(@TempDir Path dir) throws Exception {
        trained = Training.run(Path.of("ml/data/lwsndr_single_hop.csv"));
        for (Map.Entry<String, byte[]> f : trained.files().entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        onnx = OnnxModels.load(dir);
        scenario = Scenarios.generate(new Scenarios.Spec(99, 10, 120, 2_000, 10, 1.0 / 40, Scenarios.ML_ATTACKS));
        List<double[]> picked = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            picked.add(scenario.get(i).features());
        }
        rows = picked.toArray(double[][]::new);
    }

    @AfterAll
    static void close() {
        onnx.close();
    }

    @Test
    void the_scenario_holds_attacks_as_well_as_normal_rows() {
        assertThat(scenario.subList(0, 1_000)).anyMatch(Scenarios.Row::anomalous).anyMatch(r -> !r.anomalous());
    }

    @Test
    void random_forest_probabilities_agree_within_1e_5() {
        float[] fromOnnx = onnx.randomForest(rows);
        assertThat(fromOnnx).hasSize(1_000);
        for (int i = 0; i < rows.length; i++) {
            assertThat((double) fromOnnx[i]).as("row %d", i).isCloseTo(trained.randomForest().probability(rows[i]),
                    within(1e-5));
        }
    }

    @Test
    void isolation_forest_scores_agree_within_1e_5() {
        float[] fromOnnx = onnx.isolationForest(rows);
        assertThat(fromOnnx).hasSize(1_000);
        for (int i = 0; i < rows.length; i++) {
            assertThat((double) fromOnnx[i]).as("row %d", i).isCloseTo(trained.isolationForest().score(rows[i]),
                    within(1e-5));
        }
    }

    @Test
    void the_build_models_on_the_classpath_are_these_bytes() throws Exception {
        for (String name : List.of("models.json", "isolation-forest.onnx", "random-forest.onnx")) {
            try (var in = OnnxAgreementTest.class.getResourceAsStream("/models/" + name)) {
                assertThat(in).as("models/%s built into the classpath", name).isNotNull();
                assertThat(Training.sha256(in.readAllBytes())).as(name)
                        .isEqualTo(Training.sha256(trained.files().get(name)));
            }
        }
    }

    @Test
    void a_model_file_that_differs_from_its_manifest_is_refused(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, byte[]> f : trained.files().entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        byte[] bytes = trained.files().get("random-forest.onnx").clone();
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve("random-forest.onnx"), bytes);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxModels.load(dir))
                .hasMessageContaining("random-forest.onnx has sha256");
    }
}
