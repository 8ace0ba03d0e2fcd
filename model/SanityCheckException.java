package io.vigil.model;

/** Rejected: a value or the clock is implausible. */
public class SanityCheckException extends PacketRejectedException {

    public SanityCheckException(String deviceId, Long sequenceNo, String message) {
        super(SecurityEventKind.SANITY, deviceId, sequenceNo, message, Blame.KEY_HOLDER_IF_NEW);
    }
}
