package io.vigil.ml.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Isolation Forest (Liu, Ting and Zhou 2008), trained with a fixed seed: each tree isolates a sub-sample by
 * random splits up to depth ceil(log2 ψ); a leaf holds its depth plus c(size), the expected depth still to
 * go. Score = 2^(−mean depth / c(ψ)), in (0, 1], higher = more anomalous.
 */
public final class IsolationForest {

    private final List<Tree> trees;
    private final int sampleSize;

    public IsolationForest(List<Tree> trees, int sampleSize) {
        this.trees = List.copyOf(trees);
        this.sampleSize = sampleSize;
    }

    public List<Tree> trees() {
        return trees;
    }

    public int sampleSize() {
        return sampleSize;
    }

    /** The normaliser c(ψ) of the score. */
    public double normaliser() {
        return c(sampleSize);
    }

    public double score(double[] x) {
        double sum = 0;
        for (Tree t : trees) {
            sum += t.eval(x);
        }
        return Math.pow(2, -(sum / trees.size()) / c(sampleSize));
    }

    /** Trains on the given feature columns only (the trees never split on the others). */
    public static IsolationForest train(double[][] rows, int[] columns, int treeCount, int sampleSize, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int psi = Math.min(sampleSize, rows.length);
        int limit = (int) Math.ceil(Math.log(psi) / Math.log(2));
        List<Tree> trees = new ArrayList<>(treeCount);
        for (int t = 0; t < treeCount; t++) {
            int[] sample = sampleWithoutReplacement(rows.length, psi, random);
            Tree.Builder b = new Tree.Builder();
            grow(b, b.add(), rows, columns, sample, 0, sample.length, 0, limit, random);
            trees.add(b.build());
        }
        return new IsolationForest(trees, psi);
    }

    private static void grow(Tree.Builder b, int node, double[][] rows, int[] columns, int[] idx, int from, int to,
            int depth, int limit, SplittableRandom random) {
        int n = to - from;
        if (n <= 1 || depth >= limit) {
            b.leaf(node, depth + c(n));
            return;
        }
        int features = columns.length;
        // Try features in a random order until one is not constant in this node.
        int[] order = columns.clone();
        for (int k = 0; k < features; k++) {
            int j = k + random.nextInt(features - k);
            int f = order[j];
            order[j] = order[k];
            order[k] = f;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                double v = rows[idx[i]][f];
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (!(max > min)) {
                continue;
            }
            double cut = min + random.nextDouble() * (max - min);
            float threshold = Tree.between(cut, max);
            if (Float.isNaN(threshold)) {
                continue;
            }
            int mid = partition(rows, idx, from, to, f, threshold);
            if (mid == from || mid == to) {
                continue;
            }
            int l = b.add();
            int r = b.add();
            b.split(node, f, threshold, l, r);
            grow(b, l, rows, columns, idx, from, mid, depth + 1, limit, random);
            grow(b, r, rows, columns, idx, mid, to, depth + 1, limit, random);
            return;
        }
        b.leaf(node, depth + c(n));
    }

    static int partition(double[][] rows, int[] idx, int from, int to, int f, float threshold) {
        int i = from;
        int j = to - 1;
        while (i <= j) {
            if (rows[idx[i]][f] <= threshold) {
                i++;
            } else {
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
                j--;
            }
        }
        return i;
    }

    static int[] sampleWithoutReplacement(int n, int k, SplittableRandom random) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        return java.util.Arrays.copyOf(all, k);
    }

    /** Average path length of an unsuccessful search in a binary search tree of n nodes. */
    public static double c(int n) {
        if (n <= 1) {
            return 0;
        }
        if (n == 2) {
            return 1;
        }
        return 2 * (Math.log(n - 1) + 0.5772156649015329) - 2.0 * (n - 1) / n;
    }
}
