package io.vigil.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every route file is valid against Camel's own YAML DSL JSON schema ({@code schema/camelYamlDsl.json} inside
 * camel-yaml-dsl, the schema Karavan and the Camel tooling edit with): no unknown key, no misplaced step.
 */
class RouteFilesSchemaTest {

    static JsonSchema schema;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader.class
                .getResourceAsStream("/schema/camelYamlDsl.json")) {
            assertThat(in).as("camel-yaml-dsl ships its schema").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }

    static Stream<Path> routeFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> all = Files.walk(Path.of("routes"))) {
            files = all.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(15);
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void is_valid_camel_yaml_dsl(Path file) throws IOException {
        Object yaml = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        JsonNode tree = new ObjectMapper().valueToTree(yaml);
        // A property placeholder ({{vigil.…}}) stands where the schema wants a number: Camel resolves it at start.
        List<String> problems = schema.validate(tree).stream()
                .filter(m -> !(m.getInstanceNode() != null && m.getInstanceNode().isTextual()
                        && m.getInstanceNode().asText().matches("^\\{\\{[a-z0-9.:-]+}}$")))
                .map(ValidationMessage::getMessage).toList();
        assertThat(problems).as(file.toString()).isEmpty();
    }
}
