package io.vigil.ml.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A streaming novelty detector after fuzzy ART (Carpenter, Grossberg and Rosen, 1991), written here from the published
 * algorithm. The input at each row is the shape of the recent past: the means of the last {@code blocks} blocks of
 * {@code blockRows} rows each. Each learned category is a hyperbox over such shapes (fuzzy ART's complement-coded
 * weights), kept in raw units so that a widening value range rescales the boxes instead of spoiling them. A row is
 * novel by how far its shape lies outside every box, as a fraction of the value range seen: 0 inside a box, larger the
 * further it is from every pattern seen before. The shape then joins the best box within the vigilance (which grows
 * to take it in) or starts a new one, so a pattern seen once is not novel the second time.
 */
public final class ArtDetector {

    /**
     * @param blocks     values in a shape
     * @param blockRows  rows averaged into each value
     * @param vigilance  fuzzy ART's ρ: a shape joins a box only if the grown box stays within (1 − ρ) of the range a
     *                   value on average
     * @param maxBoxes   boxes kept at most (a new shape past this is scored but not learned)
     */
    public record Params(int blocks, int blockRows, double vigilance, int maxBoxes) {
    }

    private final Params p;
    private final List<double[]> low = new ArrayList<>();
    private final List<double[]> high = new ArrayList<>();
    private final double[] recent;
    private final double[] shape;
    private int seen;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    public ArtDetector(Params p) {
        this.p = p;
        this.recent = new double[p.blocks() * p.blockRows()];
        this.shape = new double[p.blocks()];
    }

    /** The novelty of this row's shape (0 while the shape is not yet complete or the series has not changed). */
    public double next(double value) {
        recent[seen % recent.length] = value;
        seen++;
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (seen < recent.length || max <= min) {
            return 0;
        }
        int n = p.blockRows();
        for (int b = 0; b < p.blocks(); b++) {
            double sum = 0;
            for (int r = 0; r < n; r++) {
                // block 0 is the oldest
                sum += recent[(seen - recent.length + b * n + r) % recent.length];
            }
            shape[b] = sum / n;
        }
        double range = max - min;
        int dims = shape.length;
        double bestChoice = -1;
        int chosen = -1;
        double nearest = Double.POSITIVE_INFINITY;
        for (int j = 0; j < low.size(); j++) {
            double[] u = low.get(j);
            double[] v = high.get(j);
            double grown = 0;
            double size = 0;
            double outside = 0;
            for (int k = 0; k < dims; k++) {
                double x = shape[k];
                double lo = Math.min(u[k], x);
                double hi = Math.max(v[k], x);
                grown += hi - lo;
                size += v[k] - u[k];
                outside += x < u[k] ? u[k] - x : x > v[k] ? x - v[k] : 0;
            }
            grown /= range;
            size /= range;
            outside /= range;
            nearest = Math.min(nearest, outside);
            double match = 1 - grown / dims;
            if (match >= p.vigilance()) {
                double choice = (dims - grown) / (1e-3 + dims - size);
                if (choice > bestChoice) {
                    bestChoice = choice;
                    chosen = j;
                }
            }
        }
        if (chosen >= 0) {
            double[] u = low.get(chosen);
            double[] v = high.get(chosen);
            for (int k = 0; k < dims; k++) {
                u[k] = Math.min(u[k], shape[k]);
                v[k] = Math.max(v[k], shape[k]);
            }
        } else if (low.size() < p.maxBoxes()) {
            low.add(shape.clone());
            high.add(shape.clone());
        }
        return low.size() == 1 && chosen < 0 ? 0 : Math.min(1, nearest / dims);
    }

    public static double[] novelty(double[] values, Params p) {
        ArtDetector d = new ArtDetector(p);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = d.next(values[i]);
        }
        return out;
    }
}
