package io.vigil.model;

/** Rejected: the device is not provisioned. */
public class UnknownDeviceException extends PacketRejectedException {

    public UnknownDeviceException(String deviceId, Long sequenceNo, String message) {
        super(SecurityEventKind.UNKNOWN_DEVICE, deviceId, sequenceNo, message);
    }
}
