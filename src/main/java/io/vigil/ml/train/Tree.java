package io.vigil.ml.train;

/**
 * One binary decision tree in flat arrays, as ONNX's TreeEnsemble operators lay it out: a node either
 * sends {@code x[feature] <= threshold} left (else right) or is a leaf with a value. Thresholds are
 * float-representable, so ONNX Runtime (float attributes) and Java take the same branch for every input.
 */
public record Tree(int[] feature, float[] threshold, int[] left, int[] right, double[] value) {

    public int size() {
        return feature.length;
    }

    public boolean isLeaf(int node) {
        return feature[node] < 0;
    }

    public double eval(double[] x) {
        int node = 0;
        while (feature[node] >= 0) {
            node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
        }
        return value[node];
    }

    /** Grows a tree node by node (pre-order ids). */
    static final class Builder {
        private int[] feature = new int[64];
        private float[] threshold = new float[64];
        private int[] left = new int[64];
        private int[] right = new int[64];
        private double[] value = new double[64];
        private int size;

        int add() {
            if (size == feature.length) {
                int n = size * 2;
                feature = java.util.Arrays.copyOf(feature, n);
                threshold = java.util.Arrays.copyOf(threshold, n);
                left = java.util.Arrays.copyOf(left, n);
                right = java.util.Arrays.copyOf(right, n);
                value = java.util.Arrays.copyOf(value, n);
            }
            feature[size] = -1;
            return size++;
        }

        void leaf(int node, double v) {
            feature[node] = -1;
            value[node] = v;
        }

        void split(int node, int f, float t, int l, int r) {
            feature[node] = f;
            threshold[node] = t;
            left[node] = l;
            right[node] = r;
        }

        Tree build() {
            return new Tree(java.util.Arrays.copyOf(feature, size), java.util.Arrays.copyOf(threshold, size),
                    java.util.Arrays.copyOf(left, size), java.util.Arrays.copyOf(right, size),
                    java.util.Arrays.copyOf(value, size));
        }
    }

    /**
     * A float threshold t with {@code lo <= t < hi} (so lo goes left and hi right), near {@code (lo + hi) / 2},
     * or NaN if no float lies in between.
     */
    static float between(double lo, double hi) {
        float t = (float) (lo + (hi - lo) / 2);
        if (t < lo) {
            t = Math.nextUp(t);
        }
        if (t >= hi) {
            t = (float) lo;
            if (t < lo) {
                t = Math.nextUp(t);
            }
        }
        return t >= lo && t < hi ? t : Float.NaN;
    }
}
