package io.vigil.model;

/** Rejected: the packet is not valid JSON or breaks the schema. */
public class SchemaViolationException extends PacketRejectedException {

    public SchemaViolationException(String deviceId, Long sequenceNo, String message) {
        super(SecurityEventKind.SCHEMA, deviceId, sequenceNo, message);
    }
}
