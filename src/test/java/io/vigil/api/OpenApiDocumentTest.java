package io.vigil.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vigil.processors.OpenApiDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The hand-written OpenAPI document loads in swagger-parser with no message, and it and the REST routes
 * ({@code routes/server/rest-*.camel.yaml}) describe the same operations: none missing on either side.
 */
class OpenApiDocumentTest {

    static OpenAPI api;
    static SwaggerParseResult result;

    @BeforeAll
    static void parse() throws IOException {
        String yaml = Files.readString(Path.of("src/main/resources/openapi/vigil-api.yaml"), StandardCharsets.UTF_8);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        result = new OpenAPIV3Parser().readContents(yaml, null, options);
        api = result.getOpenAPI();
    }

    @Test
    void swagger_parser_reads_it_without_a_single_message() {
        assertThat(result.getMessages()).isEmpty();
        assertThat(api).isNotNull();
        assertThat(api.getServers()).extracting(s -> s.getUrl()).containsExactly("/api/v1");
        var bearer = api.getComponents().getSecuritySchemes().get("bearer");
        assertThat(bearer.getType().toString()).isEqualTo("http");
        assertThat(bearer.getScheme()).isEqualTo("bearer");
        assertThat(api.getSecurity()).isNotEmpty();
    }

    @Test
    void every_rest_route_is_in_the_document_and_every_documented_operation_is_a_route() throws IOException {
        TreeSet<String> routes = new TreeSet<>();
        try (var files = Files.list(Path.of("routes", "server"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("rest-")).toList()) {
                routes.addAll(restOperations(file));
            }
        }
        TreeSet<String> documented = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, op) -> documented.add(method.name() + " " + path)));
        assertThat(routes).hasSizeGreaterThan(20);
        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void every_operation_has_an_id_a_json_error_for_401_or_is_public_and_declares_its_path_parameters() {
        Pattern template = Pattern.compile("\\{([a-z_]+)}");
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String where = method + " " + path;
            assertThat(op.getOperationId()).as(where).isNotBlank();
            boolean open = op.getSecurity() != null && op.getSecurity().isEmpty();
            if (!open) {
                assertThat(op.getResponses()).as(where).containsKey("401");
            }
            List<String> declared = new ArrayList<>();
            for (Parameter p : parameters(item, op)) {
                if ("path".equals(p.getIn())) {
                    declared.add(p.getName());
                }
            }
            Matcher m = template.matcher(path);
            List<String> inPath = new ArrayList<>();
            while (m.find()) {
                inPath.add(m.group(1));
            }
            assertThat(declared).as(where).containsExactlyInAnyOrderElementsOf(inPath);
            op.getResponses().forEach((status, response) -> assertThat(response.getContent())
                    .as(where + " " + status + " has a body schema").isNotNull().isNotEmpty());
        }));
    }

    @Test
    void the_served_document_is_this_one() {
        var served = new OpenApiDocument().json();
        assertThat(served.get("openapi").asText()).isEqualTo("3.0.3");
        assertThat(served.get("paths").size()).isEqualTo(api.getPaths().size());
    }

    private static List<Parameter> parameters(PathItem item, Operation op) {
        List<Parameter> all = new ArrayList<>();
        if (item.getParameters() != null) {
            all.addAll(item.getParameters());
        }
        if (op.getParameters() != null) {
            all.addAll(op.getParameters());
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private static List<String> restOperations(Path file) throws IOException {
        List<String> ops = new ArrayList<>();
        Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        for (Object element : (List<Object>) doc) {
            Map<String, Object> rest = (Map<String, Object>) ((Map<String, Object>) element).get("rest");
            if (rest == null) {
                continue;
            }
            for (String method : List.of("get", "post", "put", "delete", "patch")) {
                for (Map<String, Object> op : (List<Map<String, Object>>) rest.getOrDefault(method, List.of())) {
                    ops.add(method.toUpperCase() + " " + op.get("path"));
                }
            }
        }
        return ops;
    }
}
