package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import io.vigil.model.BadSignatureException;
import io.vigil.model.ImpersonationException;
import io.vigil.model.Packet;
import io.vigil.model.UnknownDeviceException;

/** Authenticate stage: the device must be provisioned and its Ed25519 signature must verify over the canonical form. */
public class SignatureVerifier {

    private final DeviceRegistry devices;

    public SignatureVerifier(DeviceRegistry devices) {
        this.devices = devices;
    }

    /**
     * On the embedded broker the gateway knows which device logged in (PROTOCOL v1.1 §1a): a packet naming another
     * device is an impersonation by the logged-in one. {@code authenticatedDevice} is null for Vigil's own clients
     * and external brokers, where the signature alone decides.
     */
    public Packet checkSender(Packet packet, String authenticatedDevice) {
        if (authenticatedDevice != null && !authenticatedDevice.equals(packet.deviceId())) {
            throw new ImpersonationException(authenticatedDevice, packet.sequenceNo(), "device " + authenticatedDevice
                    + " is logged in on the broker but sent a packet naming " + packet.deviceId());
        }
        return packet;
    }

    public Packet verify(Packet packet) {
        Ed25519.VerifyKey key = devices.key(packet.deviceId())
                .orElseThrow(() -> new UnknownDeviceException(packet.deviceId(), packet.sequenceNo(),
                        "device " + packet.deviceId() + " is not provisioned"));
        if (!key.verify(packet.signingInput(), packet.sig())) {
            throw new BadSignatureException(packet.deviceId(), packet.sequenceNo(),
                    "signature does not verify for device " + packet.deviceId());
        }
        return packet;
    }
}
