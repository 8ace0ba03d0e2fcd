package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vigil.crypto.CanonicalJson;
import io.vigil.model.Packet;
import io.vigil.model.PacketType;
import io.vigil.model.SchemaViolationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Validate stage: size limit, strict JSON (no duplicate keys), the packet JSON Schema, then a typed {@link Packet}. */
public class PacketValidator {

    private static final String SCHEMA = "/schemas/device-packet.schema.json";

    private final JsonSchema schema;
    private final int maxBytes;

    public PacketValidator(int maxBytes) {
        this.maxBytes = maxBytes;
        try (InputStream in = PacketValidator.class.getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA + " is missing from the classpath");
            }
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and validates a raw packet; throws {@link SchemaViolationException} with a readable reason. */
    public Packet validate(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new SchemaViolationException(null, null, "empty packet");
        }
        if (payload.length > maxBytes) {
            throw new SchemaViolationException(null, null,
                    "packet is " + payload.length + " bytes; the limit is " + maxBytes);
        }
        String encodingProblem = notPlainUtf8(payload);
        if (encodingProblem != null) {
            throw new SchemaViolationException(null, null, encodingProblem);
        }
        JsonNode tree;
        try {
            tree = CanonicalJson.parse(payload);
        } catch (IOException e) {
            throw new SchemaViolationException(null, null, "not valid JSON: " + firstLine(e.getMessage()));
        }
        return fromTree(tree);
    }

    /** Validates an already parsed packet (the server re-checks every log of a batch). */
    public Packet fromTree(JsonNode tree) {
        String deviceId = tree != null && tree.path("device_id").isTextual() ? tree.get("device_id").asText() : null;
        Long sequenceNo = tree != null && tree.path("sequence_no").canConvertToExactIntegral()
                ? tree.get("sequence_no").asLong() : null;
        if (tree == null || !tree.isObject()) {
            throw new SchemaViolationException(null, null, "a packet is a JSON object");
        }
        Set<ValidationMessage> errors = schema.validate(tree);
        if (!errors.isEmpty()) {
            String reason = errors.stream().map(ValidationMessage::getMessage).sorted().limit(5)
                    .collect(Collectors.joining("; "));
            throw new SchemaViolationException(safeId(deviceId), sequenceNo, "schema: " + reason);
        }
        ObjectNode packet = (ObjectNode) tree;
        byte[][] canonical = CanonicalJson.withAndWithout(packet, "sig");
        Map<String, Double> sensors = new LinkedHashMap<>();
        packet.get("sensors").fields().forEachRemaining(e -> sensors.put(e.getKey(), e.getValue().asDouble()));
        return new Packet(
                deviceId,
                PacketType.fromWire(packet.get("type").asText()),
                packet.get("sequence_no").asLong(),
                packet.get("timestamp").asLong(),
                packet.get("cpu_usage").asDouble(),
                packet.get("battery_level").asDouble(),
                sensors,
                packet.get("sig").asText(),
                canonical[0],
                canonical[1]);
    }

    /**
     * PROTOCOL v1.1 §1: UTF-8 without a byte-order mark. The JSON parser would detect UTF-16 and UTF-32 by their
     * zero bytes and read them, so they are refused here first, as is anything that is not well-formed UTF-8.
     */
    static String notPlainUtf8(byte[] payload) {
        if (payload.length >= 3 && (payload[0] & 0xff) == 0xef && (payload[1] & 0xff) == 0xbb && (payload[2] & 0xff) == 0xbf) {
            return "the payload starts with a UTF-8 byte-order mark; send UTF-8 without one";
        }
        if (payload.length >= 2 && ((payload[0] & 0xff) == 0xfe || (payload[0] & 0xff) == 0xff)) {
            return "the payload starts with a UTF-16 or UTF-32 byte-order mark; send UTF-8";
        }
        for (byte b : payload) {
            if (b == 0) {
                return "the payload holds a zero byte (UTF-16 or UTF-32?); send UTF-8";
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(payload));
        } catch (java.nio.charset.CharacterCodingException e) {
            return "the payload is not well-formed UTF-8";
        }
        return null;
    }

    /** A device id from an invalid packet is kept only if it is well-formed, so events never store junk as an id. */
    private static String safeId(String deviceId) {
        return io.vigil.model.DeviceId.isValid(deviceId) ? deviceId : null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
