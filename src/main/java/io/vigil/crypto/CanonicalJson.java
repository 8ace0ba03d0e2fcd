package io.vigil.crypto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.erdtman.jcs.JsonCanonicalizer;

/** RFC 8785 (JCS) canonical form of JSON values, through the reference JCS library. */
public final class CanonicalJson {

    /**
     * One strict mapper: duplicate keys are an error, so a signer and a verifier cannot read different values,
     * and so is anything after the first JSON value ({@code {...}{...}} is not one packet).
     */
    public static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CanonicalJson() {
    }

    /** Canonical UTF-8 bytes of a JSON tree. */
    public static byte[] bytes(JsonNode node) {
        try {
            return new JsonCanonicalizer(STRICT.writeValueAsString(node)).getEncodedUTF8();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot canonicalize JSON", e);
        }
    }

    /** Canonical UTF-8 bytes of the object with one member left out (the signing input leaves out {@code sig}). */
    public static byte[] bytesWithout(ObjectNode node, String member) {
        ObjectNode copy = node.deepCopy();
        copy.remove(member);
        return bytes(copy);
    }

    /** Parses JSON strictly (duplicate keys rejected). */
    public static JsonNode parse(String json) throws JsonProcessingException {
        return STRICT.readTree(json);
    }

    /** Parses JSON strictly from UTF-8 bytes. */
    public static JsonNode parse(byte[] json) throws IOException {
        return STRICT.readTree(json);
    }
}
