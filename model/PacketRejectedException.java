package io.vigil.model;

/** A packet the gateway refuses; the kind says which security event it becomes. */
public class PacketRejectedException extends RuntimeException {

    private final SecurityEventKind kind;
    private final String deviceId;
    private final Long sequenceNo;

    public PacketRejectedException(SecurityEventKind kind, String deviceId, Long sequenceNo, String message) {
        super(message);
        this.kind = kind;
        this.deviceId = deviceId;
        this.sequenceNo = sequenceNo;
    }

    public SecurityEventKind kind() {
        return kind;
    }

    public String deviceId() {
        return deviceId;
    }

    public Long sequenceNo() {
        return sequenceNo;
    }
}
