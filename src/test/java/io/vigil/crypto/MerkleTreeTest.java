package io.vigil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The iterative tree against RFC 6962's recursive definition, and audit paths for every leaf. */
class MerkleTreeTest {

    /** MTH(D[n]) exactly as RFC 6962 §2.1 writes it: split at the largest power of two below n. */
    private static byte[] referenceRoot(List<byte[]> d) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        if (d.isEmpty()) {
            return sha.digest();
        }
        if (d.size() == 1) {
            sha.update(new byte[] {0});
            sha.update(d.get(0));
            return sha.digest();
        }
        int k = 1;
        while (k * 2 < d.size()) {
            k *= 2;
        }
        byte[] left = referenceRoot(d.subList(0, k));
        byte[] right = referenceRoot(d.subList(k, d.size()));
        sha.update(new byte[] {1});
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(("{\"leaf\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        return leaves;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})
    void root_matches_the_recursive_definition(int size) throws Exception {
        List<byte[]> leaves = leaves(size);
        assertThat(MerkleTree.rootHex(leaves)).isEqualTo(HexFormat.of().formatHex(referenceRoot(leaves)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 8, 13, 17})
    void every_leaf_audit_path_recomputes_the_root(int size) {
        List<byte[]> leaves = leaves(size);
        String root = MerkleTree.rootHex(leaves);
        for (int i = 0; i < size; i++) {
            List<String> path = MerkleTree.auditPath(leaves, i);
            assertThat(MerkleTree.rootFromAuditPath(leaves.get(i), i, size, path)).as("leaf %d of %d", i, size)
                    .isEqualTo(root);
        }
    }

    @Test
    void an_audit_path_does_not_prove_a_changed_leaf() {
        List<byte[]> leaves = leaves(9);
        List<String> path = MerkleTree.auditPath(leaves, 4);
        byte[] forged = Arrays.copyOf(leaves.get(4), leaves.get(4).length);
        forged[2] ^= 1;
        assertThat(MerkleTree.rootFromAuditPath(forged, 4, 9, path)).isNotEqualTo(MerkleTree.rootHex(leaves));
    }

    @Test
    void an_audit_path_of_the_wrong_length_is_refused() {
        List<byte[]> leaves = leaves(9);
        List<String> path = new ArrayList<>(MerkleTree.auditPath(leaves, 4));
        path.remove(path.size() - 1);
        assertThatThrownBy(() -> MerkleTree.rootFromAuditPath(leaves.get(4), 4, 9, path))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
