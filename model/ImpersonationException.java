package io.vigil.model;

/**
 * Rejected: a device logged in on the broker as one id published a packet naming another (PROTOCOL v1.1 §1a).
 * The event is the logged-in device's, and costs it trust; the named device is not touched.
 */
public class ImpersonationException extends PacketRejectedException {

    public ImpersonationException(String authenticatedDevice, Long sequenceNo, String message) {
        super(SecurityEventKind.IMPERSONATION, authenticatedDevice, sequenceNo, message, Blame.KEY_HOLDER);
    }
}
