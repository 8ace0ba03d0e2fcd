package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import io.vigil.model.BadSignatureException;
import io.vigil.model.Packet;
import io.vigil.model.UnknownDeviceException;

/** Authenticate stage: the device must be provisioned and its Ed25519 signature must verify over the canonical form. */
public class SignatureVerifier {

    private final DeviceRegistry devices;

    public SignatureVerifier(DeviceRegistry devices) {
        this.devices = devices;
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
