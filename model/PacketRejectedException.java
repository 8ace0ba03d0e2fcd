package io.vigil.model;

/** A packet the gateway refuses; the kind says which security event it becomes. */
public class PacketRejectedException extends RuntimeException {

    private final SecurityEventKind kind;
    private final String deviceId;
    private final Long sequenceNo;
    private final Blame blame;

    public PacketRejectedException(SecurityEventKind kind, String deviceId, Long sequenceNo, String message) {
        this(kind, deviceId, sequenceNo, message, Blame.ANYONE);
    }

    public PacketRejectedException(SecurityEventKind kind, String deviceId, Long sequenceNo, String message,
            Blame blame) {
        super(message);
        this.kind = kind;
        this.deviceId = deviceId;
        this.sequenceNo = sequenceNo;
        this.blame = blame;
    }

    /** Who can have caused it, which decides whether it costs the device trust. */
    public Blame blame() {
        return blame;
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
