package io.vigil.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * RFC 6962 §2.1 Merkle Tree Hash and audit paths: leaf = SHA-256(0x00 || input),
 * node = SHA-256(0x01 || left || right); an odd node at the end of a level is carried up unchanged.
 */
public final class MerkleTree {

    private static final HexFormat HEX = HexFormat.of();

    private MerkleTree() {
    }

    /** Hash of one leaf input. */
    public static byte[] leafHash(byte[] input) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x00);
        sha.update(input);
        return sha.digest();
    }

    /** Hash of an inner node. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x01);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** Merkle Tree Hash over the leaf inputs in order, lowercase hex. The empty tree is SHA-256 of nothing. */
    public static String rootHex(List<byte[]> leafInputs) {
        return HEX.formatHex(root(leafInputs));
    }

    /** Merkle Tree Hash over the leaf inputs in order. */
    public static byte[] root(List<byte[]> leafInputs) {
        if (leafInputs.isEmpty()) {
            return sha256().digest();
        }
        List<byte[]> level = new ArrayList<>(leafInputs.size());
        for (byte[] input : leafInputs) {
            level.add(leafHash(input));
        }
        while (level.size() > 1) {
            List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i + 1 < level.size(); i += 2) {
                up.add(nodeHash(level.get(i), level.get(i + 1)));
            }
            if (level.size() % 2 == 1) {
                up.add(level.get(level.size() - 1));
            }
            level = up;
        }
        return level.get(0);
    }

    /** RFC 6962 §2.1.1 audit path PATH(m, D[n]) for leaf {@code index}, as lowercase hex, leaf side first. */
    public static List<String> auditPath(List<byte[]> leafInputs, int index) {
        if (index < 0 || index >= leafInputs.size()) {
            throw new IllegalArgumentException("leaf index " + index + " outside a tree of " + leafInputs.size());
        }
        List<byte[]> hashes = new ArrayList<>(leafInputs.size());
        for (byte[] input : leafInputs) {
            hashes.add(leafHash(input));
        }
        List<String> path = new ArrayList<>();
        collectPath(hashes, 0, hashes.size(), index, path);
        return path;
    }

    /** Recomputes the root from a leaf input, its index, the tree size and its audit path (RFC 9162 §2.1.3.2). */
    public static String rootFromAuditPath(byte[] leafInput, int index, int treeSize, List<String> path) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf index " + index + " outside a tree of " + treeSize);
        }
        long fn = index;
        long sn = treeSize - 1L;
        byte[] r = leafHash(leafInput);
        for (String hex : path) {
            byte[] p = HEX.parseHex(hex);
            if (sn == 0) {
                throw new IllegalArgumentException("audit path longer than the tree");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new IllegalArgumentException("audit path shorter than the tree");
        }
        return HEX.formatHex(r);
    }

    private static byte[] collectPath(List<byte[]> hashes, int from, int to, int index, List<String> path) {
        int n = to - from;
        if (n == 1) {
            return hashes.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        if (index < from + k) {
            byte[] left = collectPath(hashes, from, from + k, index, path);
            byte[] right = subtreeRoot(hashes, from + k, to);
            path.add(HEX.formatHex(right));
            return nodeHash(left, right);
        }
        byte[] right = collectPath(hashes, from + k, to, index, path);
        byte[] left = subtreeRoot(hashes, from, from + k);
        path.add(HEX.formatHex(left));
        return nodeHash(left, right);
    }

    private static byte[] subtreeRoot(List<byte[]> hashes, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return hashes.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        return nodeHash(subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to));
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }
}
