package io.vigil.model;

/** Rejected: a device sends faster than its rate limit. */
public class RateLimitExceededException extends PacketRejectedException {

    public RateLimitExceededException(String deviceId, Long sequenceNo, String message) {
        super(SecurityEventKind.RATE, deviceId, sequenceNo, message, Blame.KEY_HOLDER_IF_NEW);
    }
}
