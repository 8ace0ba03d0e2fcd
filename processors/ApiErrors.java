package io.vigil.processors;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps any failure of an API route to PROTOCOL §6's JSON error body and an HTTP status; internals are not leaked. */
public class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    public int status(Throwable thrown) {
        Throwable error = cause(thrown);
        if (error instanceof ApiException api) {
            return api.status();
        }
        return 500;
    }

    public Map<String, Object> body(Throwable thrown) {
        Throwable error = cause(thrown);
        Map<String, Object> body = new LinkedHashMap<>();
        if (error instanceof ApiException api) {
            body.put("error", api.getMessage());
            body.put("detail", api.detail());
        } else {
            LOG.error("API request failed", error);
            body.put("error", "internal error");
            body.put("detail", null);
        }
        return body;
    }

    /** The failure that explains the request: Camel wraps bean failures in its own exceptions. */
    private static Throwable cause(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ApiException) {
                return t;
            }
            // A body or a parameter the bean cannot take (a form post, a sequence number too large for a long): the
            // request's fault, not ours. Any other exception, an IllegalArgumentException from a bug included, is a
            // 500 "internal error", logged, with nothing of it in the answer.
            if (t instanceof org.apache.camel.component.bean.ParameterBindingException binding) {
                Class<?> type = binding.getParameterType();
                return type == byte[].class
                        ? new BadRequestException("the request body must be JSON (Content-Type: application/json)", null)
                        : new BadRequestException("a parameter is not " + (type == Long.class || type == long.class
                                || type == Integer.class || type == int.class ? "a whole number in range" : "valid"), null);
            }
        }
        return thrown;
    }

    /** 422 naming the log (index, device, sequence) and why, in words: never SQL or internal names. */
    static ApiException refusedLog(int index, io.vigil.model.Packet packet, io.vigil.model.PacketRejectedException e) {
        java.util.Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("log_index", index);
        if (packet != null) {
            detail.put("device_id", packet.deviceId());
            detail.put("sequence_no", packet.sequenceNo());
        }
        detail.put("kind", e.kind().wire());
        detail.put("reason", e.getMessage());
        return new BatchRejectedException("log " + index + " failed verification: " + e.kind().wire(), detail);
    }
}
