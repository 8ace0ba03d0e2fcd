package io.vigil.ml.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A binary Random Forest (Breiman 2001) trained with a fixed seed: bootstrap samples, CART trees split on the
 * best Gini gain among √d random features per node. A leaf holds its share of anomalous rows; the forest's
 * probability is the mean over trees.
 */
public final class RandomForest {

    private final List<Tree> trees;

    public RandomForest(List<Tree> trees) {
        this.trees = List.copyOf(trees);
    }

    public List<Tree> trees() {
        return trees;
    }

    /** P(anomalous). */
    public double probability(double[] x) {
        double sum = 0;
        for (Tree t : trees) {
            sum += t.eval(x);
        }
        return sum / trees.size();
    }

    /**
     * Trains {@code treeCount} trees, each on a bootstrap sample of at most {@code maxSamples} rows. Each tree's
     * random stream is split off the seed in order before any is grown, so the forest is the same whatever the
     * number of threads growing it.
     */
    public static RandomForest train(double[][] rows, int[] labels, int treeCount, int maxDepth, int minLeaf,
            int maxSamples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int features = rows[0].length;
        int mtry = Math.max(1, (int) Math.round(Math.sqrt(features)));
        SplittableRandom[] streams = new SplittableRandom[treeCount];
        for (int t = 0; t < treeCount; t++) {
            streams[t] = random.split();
        }
        Tree[] trees = new Tree[treeCount];
        java.util.stream.IntStream.range(0, treeCount).parallel().forEach(t -> {
            SplittableRandom r = streams[t];
            int[] sample = new int[Math.min(maxSamples, rows.length)];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = r.nextInt(rows.length);
            }
            Tree.Builder b = new Tree.Builder();
            new Grower(rows, labels, mtry, maxDepth, minLeaf, r).grow(b, b.add(), sample, 0);
            trees[t] = b.build();
        });
        return new RandomForest(List.of(trees));
    }

    private record Grower(double[][] rows, int[] labels, int mtry, int maxDepth, int minLeaf, SplittableRandom random) {

        void grow(Tree.Builder b, int node, int[] idx, int depth) {
            int positives = 0;
            for (int i : idx) {
                positives += labels[i];
            }
            double share = (double) positives / idx.length;
            if (depth >= maxDepth || idx.length < 2 * minLeaf || positives == 0 || positives == idx.length) {
                b.leaf(node, share);
                return;
            }
            int features = rows[0].length;
            int[] order = new int[features];
            for (int i = 0; i < features; i++) {
                order[i] = i;
            }
            double bestGain = 1e-12;
            int bestFeature = -1;
            float bestThreshold = Float.NaN;
            double parent = gini(positives, idx.length);
            int[] sorted = new int[idx.length];
            double[] keys = new double[idx.length];
            for (int k = 0; k < mtry; k++) {
                int j = k + random.nextInt(features - k);
                int f = order[j];
                order[j] = order[k];
                order[k] = f;
                for (int i = 0; i < idx.length; i++) {
                    sorted[i] = idx[i];
                    keys[i] = rows[idx[i]][f];
                }
                sortByKey(keys, sorted, 0, sorted.length - 1);
                int leftPositives = 0;
                for (int i = 0; i < sorted.length - 1; i++) {
                    leftPositives += labels[sorted[i]];
                    int leftCount = i + 1;
                    double lo = rows[sorted[i]][f];
                    double hi = rows[sorted[i + 1]][f];
                    if (!(hi > lo) || leftCount < minLeaf || sorted.length - leftCount < minLeaf) {
                        continue;
                    }
                    int rightCount = sorted.length - leftCount;
                    double weighted = (leftCount * gini(leftPositives, leftCount)
                            + rightCount * gini(positives - leftPositives, rightCount)) / sorted.length;
                    double gain = parent - weighted;
                    if (gain > bestGain) {
                        float threshold = Tree.between(lo, hi);
                        if (!Float.isNaN(threshold)) {
                            bestGain = gain;
                            bestFeature = f;
                            bestThreshold = threshold;
                        }
                    }
                }
            }
            if (bestFeature < 0) {
                b.leaf(node, share);
                return;
            }
            int n = 0;
            for (int i : idx) {
                if (rows[i][bestFeature] <= bestThreshold) {
                    n++;
                }
            }
            int[] left = new int[n];
            int[] right = new int[idx.length - n];
            int li = 0;
            int ri = 0;
            for (int i : idx) {
                if (rows[i][bestFeature] <= bestThreshold) {
                    left[li++] = i;
                } else {
                    right[ri++] = i;
                }
            }
            int l = b.add();
            int r = b.add();
            b.split(node, bestFeature, bestThreshold, l, r);
            grow(b, l, left, depth + 1);
            grow(b, r, right, depth + 1);
        }

        /** Sorts {@code idx[lo..hi]} by {@code keys} (moved along), a quicksort on primitives. */
        private static void sortByKey(double[] keys, int[] idx, int lo, int hi) {
            while (hi - lo > 16) {
                double pivot = median(keys[lo], keys[lo + (hi - lo) / 2], keys[hi]);
                int i = lo;
                int j = hi;
                while (i <= j) {
                    while (keys[i] < pivot) {
                        i++;
                    }
                    while (keys[j] > pivot) {
                        j--;
                    }
                    if (i <= j) {
                        swap(keys, idx, i++, j--);
                    }
                }
                if (j - lo < hi - i) {
                    sortByKey(keys, idx, lo, j);
                    lo = i;
                } else {
                    sortByKey(keys, idx, i, hi);
                    hi = j;
                }
            }
            for (int i = lo + 1; i <= hi; i++) {
                for (int j = i; j > lo && keys[j - 1] > keys[j]; j--) {
                    swap(keys, idx, j - 1, j);
                }
            }
        }

        private static double median(double a, double b, double c) {
            return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
        }

        private static void swap(double[] keys, int[] idx, int i, int j) {
            double k = keys[i];
            keys[i] = keys[j];
            keys[j] = k;
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }

        private static double gini(int positives, int n) {
            double p = (double) positives / n;
            return 2 * p * (1 - p);
        }
    }
}
