package io.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vigil.boot.VigilConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files parse and agree with the application: every VIGIL_* variable they set is a configuration
 * key the application reads, the topology is the documented one, and no secret value is written in them.
 * (No Docker engine runs here, so the images are not built in CI.)
 */
class DockerFilesTest {

    static final YAMLMapper YAML = new YAMLMapper();
    static final Path DOCKER = Path.of("docker");

    static Set<String> knownVariables() throws Exception {
        Properties p = new Properties();
        try (InputStream in = VigilConfig.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        Set<String> names = new HashSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("vigil.")) {
                names.add(VigilConfig.envName(key));
            }
        }
        return names;
    }

    static List<JsonNode> k8s() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(DOCKER.resolve("k8s/vigil.yaml").toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static JsonNode kind(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void compose_runs_the_documented_topology_with_secrets_only_from_the_environment() throws Exception {
        // SnakeYAML resolves the merge keys (<<: *vigil-env) as docker compose does; Jackson's YAML reader does not.
        Object compose;
        try (var reader = Files.newBufferedReader(DOCKER.resolve("compose.yaml"))) {
            compose = new org.yaml.snakeyaml.Yaml().load(reader);
        }
        JsonNode services = YAML.valueToTree(compose).path("services");
        assertThat(services.fieldNames()).toIterable()
                .contains("mosquitto", "postgres", "ganache", "server", "gateway-1", "gateway-2");
        Set<String> known = knownVariables();
        Set<String> shareGroups = new HashSet<>();
        for (String name : List.of("server", "gateway-1", "gateway-2")) {
            JsonNode env = services.path(name).path("environment");
            env.fieldNames().forEachRemaining(var -> {
                if (var.startsWith("VIGIL_")) {
                    assertThat(known).as(name + " sets " + var + ", which the application does not read").contains(var);
                }
                if (var.matches(".*(TOKEN|KEY|PASSWORD).*")) {
                    assertThat(env.get(var).asText()).as(name + " " + var).matches("\\$\\{[A-Z_]+:\\?.*}");
                }
            });
            if (name.startsWith("gateway")) {
                assertThat(env.path("VIGIL_ROLE").asText()).isEqualTo("gateway");
                shareGroups.add(env.path("VIGIL_MQTT_SHARE_GROUP").asText());
                assertThat(env.path("VIGIL_SERVER_URL").asText()).isEqualTo("https://server:8080");
            }
        }
        assertThat(services.path("server").path("environment").path("VIGIL_ROLE").asText()).isEqualTo("server");
        assertThat(services.path("server").path("environment").path("VIGIL_TLS_HOSTNAMES").asText())
                .as("the gateways reach the server by its service name").isEqualTo("server");
        assertThat(shareGroups).as("both gateways on one shared subscription").hasSize(1).doesNotContain("");
        // The anchor merged into every Vigil service reaches each of them.
        assertThat(services.path("gateway-2").path("environment").path("VIGIL_DB_URL").asText()).startsWith("jdbc:postgresql://postgres:");
        assertThat(Files.readString(DOCKER.resolve("mosquitto.conf"))).contains("max_queued_messages 0");
        assertThat(Files.readString(DOCKER.resolve(".env.example"))).doesNotContainPattern("=\\S");
    }

    @Test
    void the_tls_override_puts_every_mqtt_client_on_tls_with_a_certificate_and_mosquitto_requires_one() throws Exception {
        Object compose;
        try (var reader = Files.newBufferedReader(DOCKER.resolve("compose.tls.yaml"))) {
            compose = new org.yaml.snakeyaml.Yaml().load(reader);
        }
        JsonNode services = YAML.valueToTree(compose).path("services");
        Set<String> known = knownVariables();
        for (String name : List.of("server", "gateway-1", "gateway-2")) {
            JsonNode env = services.path(name).path("environment");
            env.fieldNames().forEachRemaining(var -> assertThat(known).as(name + " sets " + var).contains(var));
            assertThat(env.path("VIGIL_MQTT_URL").asText()).as(name).isEqualTo("ssl://mosquitto:8883");
            assertThat(env.path("VIGIL_MQTT_CLIENT_KEYSTORE").asText()).as(name).endsWith(".p12");
            assertThat(env.path("VIGIL_MQTT_CLIENT_KEYSTORE_PASSWORD").asText()).as(name + ": no password in the file")
                    .matches("\\$\\{[A-Z_]+:\\?.*}");
            assertThat(services.path(name).path("volumes").toString()).contains("./pki/tls:/etc/vigil/pki:ro");
        }
        String conf = Files.readString(DOCKER.resolve("mosquitto-tls.conf"));
        assertThat(conf).contains("listener 8883", "require_certificate true", "cafile /mosquitto/certs/ca.pem",
                "max_queued_messages 0").doesNotContain("listener 1883");
        assertThat(services.path("mosquitto").path("volumes").toString())
                .contains("./mosquitto-tls.conf:/mosquitto/config/mosquitto.conf:ro");
        assertThat(Files.readString(Path.of(".gitignore"))).contains("docker/pki/");
    }

    @Test
    void kubernetes_has_three_gateways_a_served_server_and_its_configuration_and_secret() throws Exception {
        List<JsonNode> docs = k8s();
        Set<String> known = knownVariables();
        JsonNode config = kind(docs, "ConfigMap", "vigil-config");
        JsonNode secret = kind(docs, "Secret", "vigil-secrets");
        config.path("data").fieldNames().forEachRemaining(var -> assertThat(known).as("ConfigMap " + var).contains(var));
        secret.path("stringData").fields().forEachRemaining(e -> {
            assertThat(known).as("Secret " + e.getKey()).contains(e.getKey());
            assertThat(e.getValue().asText()).as("no secret value in the repository: " + e.getKey()).isEmpty();
        });

        JsonNode gateway = kind(docs, "Deployment", "vigil-gateway");
        assertThat(gateway.path("spec").path("replicas").asInt()).isEqualTo(3);
        JsonNode server = kind(docs, "Deployment", "vigil-server");
        JsonNode service = kind(docs, "Service", "vigil-server");
        assertThat(service.path("spec").path("selector")).isEqualTo(server.path("spec").path("template").path("metadata").path("labels"));
        for (JsonNode deployment : List.of(gateway, server)) {
            assertThat(deployment.path("spec").path("selector").path("matchLabels"))
                    .isEqualTo(deployment.path("spec").path("template").path("metadata").path("labels"));
            for (JsonNode container : deployment.path("spec").path("template").path("spec").path("containers")) {
                for (JsonNode env : container.path("env")) {
                    assertThat(known).as(env.path("name").asText()).contains(env.path("name").asText());
                    JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                    if (!ref.isMissingNode()) {
                        assertThat(ref.path("name").asText()).isEqualTo("vigil-secrets");
                        assertThat(secret.path("stringData").has(ref.path("key").asText())).isTrue();
                    }
                }
                for (JsonNode from : container.path("envFrom")) {
                    if (from.has("configMapRef")) {
                        assertThat(from.path("configMapRef").path("name").asText()).isEqualTo("vigil-config");
                    } else {
                        assertThat(from.path("secretRef").path("name").asText()).isEqualTo("vigil-secrets");
                    }
                }
            }
        }
        JsonNode serverContainer = server.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(serverContainer.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(serverContainer.path("readinessProbe").path("httpGet").path("scheme").asText()).isEqualTo("HTTPS");
        assertThat(config.path("data").path("VIGIL_MQTT_SHARE_GROUP").asText()).isNotEmpty();
    }

    @Test
    void the_dockerfile_builds_in_one_stage_and_runs_unprivileged_in_another() throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).isEqualTo(2);
        assertThat(dockerfile).containsPattern("(?m)^USER vigil$").contains("target/vigil.jar");
        Matcher copies = Pattern.compile("(?m)^COPY (?!--from)(\\S+)").matcher(dockerfile);
        while (copies.find()) {
            assertThat(Path.of(copies.group(1))).as("COPY source").exists();
        }
    }
}
