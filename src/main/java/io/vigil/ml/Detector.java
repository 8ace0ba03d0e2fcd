package io.vigil.ml;

/**
 * How the three verdicts become one. Each detector's opinion is put on one scale, the confidence that the
 * packet is anomalous, where 0.5 is its own decision threshold:
 * <ul>
 * <li>Random Forest: P(anomalous) as it is (trained on labelled attacks: it knows what they look like);</li>
 * <li>Isolation Forest: score s against its threshold τ (the 99.9th percentile on normal training packets),
 * piecewise linear: 0.5 → 0, τ → 0.5, 1 → 1 (it knows only what normal looks like: new kinds of anomaly);</li>
 * <li>the device's Random Cut Forest: 0.5 + grade / 2 once warmed up (it knows this device's own normal).</li>
 * </ul>
 * The Random Forest decides the attacks it was trained on. The two unsupervised views, which know only what
 * normal looks like, raise an anomaly only when both see one: either alone is too noisy (measured by
 * {@code vigil evaluate}: the Isolation Forest cannot tell a 95 °C spike from the edge of the normal range, as
 * any value past its training range lands in the same leaves; a young device's forest is jumpy). The
 * confidence is the Random Forest's, or for an anomaly the two raised together the lower of their two; the
 * model named is the one (or the pair) that decided.
 */
public final class Detector {

    /**
     * What the unsupervised pair needs to raise an anomaly: each clearly past its own threshold (the Isolation
     * Forest a fifth of the way from its threshold to 1, the device forest at grade ≥ 0.5), not merely past it:
     * a normal reading 3 standard deviations out is rare, and both see it, but it is not an attack.
     */
    public static final double ISOLATION_AGREES = 0.6;
    public static final double STREAMING_AGREES = 0.75;
    /**
     * The Random Forest decides alone from this vote on: a split vote (0.5-0.7) was as often a normal packet of a
     * kind it had not seen (a device's first minutes, a backdated stream) as an attack, and the attacks it was
     * trained on get 0.9 or more.
     */
    public static final double RF_DECIDES = 0.7;
    public static final String NORMAL = "normal";
    public static final String ANOMALOUS = "anomalous";

    public record Verdict(String label, double confidence, String model, double randomForest, double isolationForest,
            double streaming, Behaviour.Finding baseline) {
        public boolean anomalous() {
            return ANOMALOUS.equals(label);
        }
    }

    /** The name verdicts give the device's own baselines ({@link Behaviour}), followed by the check that spoke. */
    public static final String BASELINE_ID = "device-baseline";

    private Detector() {
    }

    public static double isolationConfidence(double score, double threshold) {
        if (score >= threshold) {
            return Math.min(1, 0.5 + 0.5 * (score - threshold) / (1 - threshold));
        }
        return Math.max(0, 0.5 * (score - 0.5) / (threshold - 0.5));
    }

    public static Verdict combine(double rfProbability, String rfId, double ifScore, double ifThreshold, String ifId,
            StreamingModels.Grade grade, String streamingId) {
        double rf = rfProbability;
        double iso = isolationConfidence(ifScore, ifThreshold);
        double rcf = grade == null ? 0 : grade.confidence();
        double together = iso >= ISOLATION_AGREES && rcf >= STREAMING_AGREES ? Math.min(iso, rcf)
                : Math.min(Math.min(iso, rcf), 0.49);
        if (rf >= RF_DECIDES || together < 0.5) {
            return new Verdict(rf >= RF_DECIDES ? ANOMALOUS : NORMAL, rf >= RF_DECIDES ? rf : Math.min(Math.max(rf, together), 0.49),
                    rfId, rf, iso, rcf, Behaviour.Finding.NONE);
        }
        return new Verdict(ANOMALOUS, together, ifId + "+" + streamingId, rf, iso, rcf, Behaviour.Finding.NONE);
    }

    /**
     * With the device's own baselines as well: a check of {@link Behaviour} past its threshold makes the packet
     * anomalous, and decides when it is more confident than the models.
     */
    public static Verdict combine(double rfProbability, String rfId, double ifScore, double ifThreshold, String ifId,
            StreamingModels.Grade grade, String streamingId, Behaviour.Finding finding) {
        Verdict v = combine(rfProbability, rfId, ifScore, ifThreshold, ifId, grade, streamingId);
        if (finding.anomalous() && (!v.anomalous() || finding.confidence() > v.confidence())) {
            return new Verdict(ANOMALOUS, finding.confidence(), BASELINE_ID + "/" + finding.check(), v.randomForest(),
                    v.isolationForest(), v.streaming(), finding);
        }
        return new Verdict(v.label(), v.confidence(), v.model(), v.randomForest(), v.isolationForest(), v.streaming(),
                finding);
    }
}
