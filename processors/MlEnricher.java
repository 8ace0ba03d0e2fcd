package io.vigil.processors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.db.Tx;
import io.vigil.ml.Detector;
import io.vigil.ml.Features;
import io.vigil.ml.OnnxModels;
import io.vigil.ml.Scorer;
import io.vigil.ml.StreamingModels;
import io.vigil.model.Packet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ml-enrich} stage of server ingest: a verdict for every log of a new batch, before it is stored.
 * Features come from each packet and its device's context; the Random Forest and the Isolation Forest run once
 * per batch through ONNX Runtime; each device's Random Cut Forest grades and learns its packets in order; the
 * {@link Detector} combines them. Device contexts and forests are saved to the database periodically.
 */
public class MlEnricher {

    private static final Logger LOG = LoggerFactory.getLogger(MlEnricher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String STREAMING_ID = io.vigil.ml.StreamingModels.ID;

    private final DataSource dataSource;
    private final OnnxModels models;
    private final StreamingModels streaming;
    private final Scorer scorer;
    private final double alertConfidence;
    private final Map<String, byte[]> loadedForests = new java.util.concurrent.ConcurrentHashMap<>();

    public MlEnricher(DataSource dataSource, OnnxModels models, StreamingModels streaming, double alertConfidence) {
        this.dataSource = dataSource;
        this.models = models;
        this.streaming = streaming;
        this.scorer = models == null ? null : new Scorer(models, streaming, this::load);
        this.alertConfidence = alertConfidence;
    }

    public double alertConfidence() {
        return alertConfidence;
    }

    /** Model ids for the health report and the API. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        if (!enabled()) {
            m.put("status", "not_configured");
            return m;
        }
        m.put("status", "up");
        m.put("random_forest", models.info("random-forest").id());
        m.put("isolation_forest", models.info("isolation-forest").id());
        m.put("streaming", STREAMING_ID + " (" + streaming.size() + " devices in memory)");
        m.put("alert_confidence", alertConfidence);
        return m;
    }

    /** The stage switched off ({@code VIGIL_ML_ENABLED=false}): logs are stored without verdicts. */
    public static MlEnricher disabled() {
        return new MlEnricher(null, null, null, 1.0);
    }

    public boolean enabled() {
        return models != null;
    }

    /** Verdicts for a parsed batch, in log order; none for a batch already stored (a resend is not scored twice). */
    public BatchStore.Parsed enrich(BatchStore.Parsed batch) {
        if (!enabled() || batch.known()) {
            return batch;
        }
        List<Packet> packets = batch.packets();
        Features.Observation[] observations = new Features.Observation[packets.size()];
        for (int i = 0; i < observations.length; i++) {
            observations[i] = Features.Observation.of(packets.get(i), batch.createdAt());
        }
        Scorer.Scored[] scored = scorer.score(observations, loadedForests::remove);
        List<io.vigil.model.Verdict> verdicts = new ArrayList<>(packets.size());
        for (Scorer.Scored sc : scored) {
            Detector.Verdict v = sc.verdict();
            boolean alert = v.anomalous() && v.confidence() >= alertConfidence;
            verdicts.add(new io.vigil.model.Verdict(v.label(), v.confidence(), v.model(), alert,
                    v.anomalous() ? detail(v, sc.features()) : null));
        }
        return batch.withVerdicts(verdicts);
    }

    /** What decided, in words: the device-baseline check's finding first when one spoke, then the models' view. */
    private static String detail(Detector.Verdict v, double[] f) {
        String finding = v.baseline() != null && v.baseline().anomalous() ? v.baseline().detail() + "; " : "";
        return finding + String.format(Locale.ROOT, "random forest %.2f, isolation forest %.2f, device forest %.2f;"
                + " temperature %.1f (%.1f sd from the device's mean), cpu %.1f %% (%.1f sd), battery %.1f %%"
                + " (drain %.2f/min), inter-arrival x%.2f, sequence gap %.0f", v.randomForest(), v.isolationForest(),
                v.streaming(), f[0], f[10], f[4], f[11], f[5], f[9], f[6], f[7]);
    }

    /** A device's saved context (and its saved forest, handed to the streaming models on first use). */
    private Features.DeviceContext load(String deviceId) {
        try {
            List<Map<String, Object>> rows = Tx.read(dataSource, c -> Tx.rows(c,
                    "select context, forest from ml_device_state where device_id = ?", deviceId));
            if (rows.isEmpty()) {
                return new Features.DeviceContext();
            }
            Object forest = rows.get(0).get("forest");
            if (forest instanceof byte[] bytes) {
                loadedForests.put(deviceId, bytes);
            }
            return JSON.readValue((String) rows.get(0).get("context"), Features.DeviceContext.class);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ML state of device {} cannot be read, starting afresh: {}", deviceId, e.getMessage());
            return new Features.DeviceContext();
        }
    }

    /**
     * Saves the contexts and forests changed since their last save whose turn came (the {@code ml-state} timer): each
     * device about once per {@code periodMs}, the fleet spread over that period.
     */
    public int save(long now, long periodMs) {
        if (!enabled()) {
            return 0;
        }
        Map<String, String> ctx = new HashMap<>();
        Map<String, byte[]> forests = new HashMap<>();
        for (String id : streaming.takeDue(now, periodMs)) {
            // One device at a time under the scorer's lock (its context and forest from the same moment); the slow
            // part, serializing and compressing the forest, outside it, so scoring goes on meanwhile.
            io.vigil.ml.DeviceForest.State state;
            synchronized (scorer) {
                Features.DeviceContext c = scorer.context(id);
                state = streaming.snapshot(id);
                if (c == null || state == null) {
                    continue;
                }
                try {
                    ctx.put(id, JSON.writeValueAsString(c));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            forests.put(id, StreamingModels.gzip(state));
        }
        if (ctx.isEmpty()) {
            return 0;
        }
        Tx.inTransaction(dataSource, c -> {
            for (Map.Entry<String, String> e : ctx.entrySet()) {
                int updated = Tx.update(c, "update ml_device_state set context = ?, forest = ?, updated_at = ?"
                        + " where device_id = ?", e.getValue(), forests.get(e.getKey()), now, e.getKey());
                if (updated == 0) {
                    Tx.update(c, "insert into ml_device_state (device_id, context, forest, updated_at)"
                            + " values (?, ?, ?, ?) on conflict do nothing", e.getKey(), e.getValue(),
                            forests.get(e.getKey()), now);
                }
            }
            return null;
        });
        return ctx.size();
    }
}
