package io.vigil.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both canonical forms from one run of the JCS library are the bytes two runs give: for packets, for objects whose
 * names sort anywhere around the member, for nested objects holding the same name, and for the cases that fall back
 * (escapes and non-ASCII in names or in the value).
 */
class CanonicalJsonTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static void same(ObjectNode node, String member) {
        byte[][] both = CanonicalJson.withAndWithout(node, member);
        assertThat(new String(both[0], StandardCharsets.UTF_8))
                .isEqualTo(new String(CanonicalJson.bytesWithout(node, member), StandardCharsets.UTF_8));
        assertThat(new String(both[1], StandardCharsets.UTF_8))
                .isEqualTo(new String(CanonicalJson.bytes(node), StandardCharsets.UTF_8));
    }

    @Test
    void aPacketAndItsSignature() {
        ObjectNode p = F.objectNode();
        p.put("device_id", "esp32-lab-01").put("type", "telemetry").put("sequence_no", 7).put("timestamp", 1_700_000_000_000L)
                .put("cpu_usage", 12.5).put("battery_level", 87.0);
        p.putObject("sensors").put("temperature", 22.4).put("sig", "nested").put("timestamp", 3);
        p.put("sig", "6-4c80BBabc_def");
        same(p, "sig");
    }

    @Test
    void theMemberFirstLastAlone() {
        same((ObjectNode) F.objectNode().put("sig", "a"), "sig");
        same(F.objectNode().put("zzz", 1).put("sig", "a"), "sig");
        same(F.objectNode().put("a", 1).put("sig", "a"), "sig");
        same(F.objectNode().put("a", "x\"y,\\"), "a");
        ObjectNode nested = F.objectNode().put("sig", "v");
        nested.putArray("b").add("{\"sig\":1}").addObject().put("sig", "v");
        nested.put("s", "}]{[").put("t", "\\\"");
        same(nested, "sig");
    }

    @Test
    void fallsBackWhereSortingWouldNeedDecoding() {
        same(F.objectNode().put("sig", "with \"quote\" and é").put("a", 1), "sig");
        same(F.objectNode().put("sig", "v").put("é", 1).put("\u0001", 2).put("r\"", 3), "sig");
        same(F.objectNode().put("sig", "v").put("\uD83D\uDE00", 1).put("\uFF61", 2), "sig");
        same(F.objectNode().put("sig", 5), "sig");
        same(F.objectNode().put("a", 5), "sig");
    }

    @Test
    void randomObjects() {
        Random random = new Random(8785);
        String alphabet = "abcsigz_-AZ09\"\\é{}[],:";
        for (int n = 0; n < 2_000; n++) {
            ObjectNode o = F.objectNode();
            int members = random.nextInt(6);
            for (int m = 0; m < members; m++) {
                String name = word(random, alphabet);
                switch (random.nextInt(4)) {
                    case 0 -> o.put(name, word(random, alphabet));
                    case 1 -> o.put(name, random.nextInt(1000) / 7.0);
                    case 2 -> o.putObject(name).put(word(random, alphabet), word(random, alphabet)).put("sig", "x");
                    default -> o.putArray(name).add(word(random, alphabet)).add(random.nextLong());
                }
            }
            o.put("sig", random.nextBoolean() ? word(random, "abcXYZ019-_+/=") : word(random, alphabet));
            same(o, "sig");
        }
    }

    private static String word(Random random, String alphabet) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(6); i >= 0; i--) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
