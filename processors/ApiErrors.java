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
        if (error instanceof IllegalArgumentException) {
            return 400;
        }
        return 500;
    }

    public Map<String, Object> body(Throwable thrown) {
        Throwable error = cause(thrown);
        Map<String, Object> body = new LinkedHashMap<>();
        if (error instanceof ApiException api) {
            body.put("error", api.getMessage());
            body.put("detail", api.detail());
        } else if (error instanceof IllegalArgumentException) {
            body.put("error", error.getMessage());
            body.put("detail", null);
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
            if (t instanceof ApiException || t instanceof IllegalArgumentException) {
                return t;
            }
            // A body the bean cannot take (a form post, say): the request's fault, not ours.
            if (t instanceof org.apache.camel.component.bean.ParameterBindingException) {
                return new ApiException(400, "the request body must be JSON (Content-Type: application/json)", null);
            }
        }
        return thrown;
    }
}
