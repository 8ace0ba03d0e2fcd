package io.vigil.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runtime does not depend on the tools: nothing in the core (boot, crypto, db, ledger, model, mqtt, processors,
 * the ML serving in io.vigil.ml) names the simulator, the command-line tools, the training or the evaluation. And no
 * file in processors/ or boot/ grows past 300 lines.
 */
class LayersTest {

    private static final Pattern TOOL = Pattern.compile("io\\.vigil\\.(sim|cli|ml\\.train|ml\\.eval)\\.");
    private static final List<Path> CORE = List.of(Path.of("model"), Path.of("processors"),
            Path.of("src/main/java/io/vigil/boot"), Path.of("src/main/java/io/vigil/crypto"),
            Path.of("src/main/java/io/vigil/db"), Path.of("src/main/java/io/vigil/ledger"),
            Path.of("src/main/java/io/vigil/mqtt"), Path.of("src/main/java/io/vigil/ml"));

    @Test
    void core_code_names_no_tool_package() throws IOException {
        List<String> arrows = new ArrayList<>();
        for (Path root : CORE) {
            for (Path file : javaFiles(root)) {
                String rel = root.relativize(file).toString();
                if (root.endsWith("ml") && (rel.startsWith("train") || rel.startsWith("eval"))) {
                    continue; // the tools' own folders under io.vigil.ml
                }
                Matcher m = TOOL.matcher(Files.readString(file));
                while (m.find()) {
                    arrows.add(file + " -> io.vigil." + m.group(1));
                }
            }
        }
        assertThat(arrows).as("imports from core code into tool code").isEmpty();
    }

    @Test
    void no_processor_or_boot_file_is_over_300_lines() throws IOException {
        List<String> long_ = new ArrayList<>();
        for (Path root : List.of(Path.of("processors"), Path.of("src/main/java/io/vigil/boot"))) {
            for (Path file : javaFiles(root)) {
                long lines = Files.readAllLines(file).size();
                if (lines > 300) {
                    long_.add(file + " (" + lines + " lines)");
                }
            }
        }
        assertThat(long_).isEmpty();
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
