package io.vigil.processors;

/** A batch the server will not store: a log fails its checks, or the root or the time does not match (422). */
public class BatchRejectedException extends ApiException {

    public BatchRejectedException(String message, Object detail) {
        super(422, message, detail);
    }
}
