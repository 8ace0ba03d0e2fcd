package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * GET /api/v1/openapi.json: the API's OpenAPI 3.0 document, written by hand ({@code openapi/vigil-api.yaml}: paths,
 * parameters, request and response schemas, the bearer scheme) and checked by {@code OpenApiDocumentTest} with
 * swagger-parser and against every REST route. Read once, answered as JSON.
 */
public class OpenApiDocument {

    private final JsonNode document;

    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi/vigil-api.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi/vigil-api.yaml is not on the classpath");
            }
            Object tree = new Load(LoadSettings.builder().build()).loadFromInputStream(in);
            document = new ObjectMapper().valueToTree(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode json() {
        return document;
    }
}
