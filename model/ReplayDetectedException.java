package io.vigil.model;

/** Rejected: a sequence number reused with other bytes, or below the window. */
public class ReplayDetectedException extends PacketRejectedException {

    public ReplayDetectedException(String deviceId, Long sequenceNo, String message, Blame blame) {
        super(SecurityEventKind.REPLAY, deviceId, sequenceNo, message, blame);
    }
}
