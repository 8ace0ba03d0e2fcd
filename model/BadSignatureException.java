package io.vigil.model;

/** Rejected: the signature does not verify. */
public class BadSignatureException extends PacketRejectedException {

    public BadSignatureException(String deviceId, Long sequenceNo, String message) {
        super(SecurityEventKind.BAD_SIGNATURE, deviceId, sequenceNo, message);
    }
}
