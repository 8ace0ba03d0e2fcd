package io.vigil.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void a_missing_data_set_is_exit_2_before_any_work_never_all_bars_met() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Evaluation.main(List.of("--nab", "/nonexistent/nab"), new PrintStream(out));
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).doesNotContain("ALL BARS MET").doesNotContain("==");
    }

    @Test
    void a_missing_uci_data_set_is_named_with_its_option() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true));
        int code;
        try {
            code = Evaluation.main(List.of("--uci", "/nonexistent/uci"), new PrintStream(out));
        } finally {
            System.setErr(before);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("UCI occupancy at /nonexistent/uci (--uci DIR");
        assertThat(out.toString()).doesNotContain("ALL BARS MET").doesNotContain("==");
    }
}
