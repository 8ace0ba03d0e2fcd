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

    /**
     * Both canonical forms of an object with a string member (a packet and its {@code sig}): {@code [0]} leaves the
     * member out, {@code [1]} keeps it. The library canonicalizes once; the member is then put in its place among
     * the top-level members of that output (RFC 8785 sorts them), which is the same bytes as canonicalizing the whole
     * object, for a plain value (letters, digits, {@code -_+/=}) and plain top-level names. Anything else takes two
     * runs of the library.
     */
    public static byte[][] withAndWithout(ObjectNode node, String member) {
        JsonNode value = node.get(member);
        if (value == null || !value.isTextual() || !plain(value.asText()) || !plain(member)) {
            return new byte[][] {bytesWithout(node, member), bytes(node)};
        }
        byte[] without = bytesWithout(node, member);
        int at = insertionPoint(without, member);
        if (at < 0) {
            return new byte[][] {without, bytes(node)};
        }
        boolean first = without[at - 1] == '{';
        boolean last = without[at] == '}';
        byte[] pair = ((first || !last ? "" : ",") + "\"" + member + "\":\"" + value.asText() + "\""
                + (last ? "" : ",")).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] with = new byte[without.length + pair.length];
        System.arraycopy(without, 0, with, 0, at);
        System.arraycopy(pair, 0, with, at, pair.length);
        System.arraycopy(without, at, with, at + pair.length, without.length - at);
        return new byte[][] {without, with};
    }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '+' || c == '/' || c == '=')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where a top-level member named {@code name} goes in the canonical bytes of an object that lacks it: the start
     * of the first top-level name that sorts after it, or the closing brace; -1 when a top-level name is not plain
     * (escapes or non-ASCII: sorting by UTF-16 units would need decoding) or the bytes are not an object.
     */
    private static int insertionPoint(byte[] json, String name) {
        if (json.length < 2 || json[0] != '{') {
            return -1;
        }
        int depth = 0;
        boolean inString = false;
        boolean expectName = true;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
                continue;
            }
            switch (b) {
                case '"' -> {
                    if (depth == 1 && expectName) {
                        int end = i + 1;
                        while (json[end] != '"') {
                            if (json[end] == '\\' || json[end] < 0x20) {
                                return -1;
                            }
                            end++;
                        }
                        String key = new String(json, i + 1, end - i - 1, java.nio.charset.StandardCharsets.US_ASCII);
                        if (key.compareTo(name) > 0) {
                            return i;
                        }
                        expectName = false;
                        i = end;
                    } else {
                        inString = true;
                    }
                }
                case '{', '[' -> depth++;
                case '}', ']' -> {
                    depth--;
                    if (depth == 0) {
                        return i;
                    }
                }
                case ',' -> expectName = depth == 1;
                default -> {
                }
            }
        }
        return -1;
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
