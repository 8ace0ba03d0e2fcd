package io.vigil.processors;

import io.vigil.crypto.Ed25519;
import io.vigil.model.BadSignatureException;
import io.vigil.model.ImpersonationException;
import io.vigil.model.Packet;
import io.vigil.model.UnknownDeviceException;

/** Authenticate stage: the device must be provisioned and its Ed25519 signature must verify over the canonical form. */
public class SignatureVerifier {

    private final DeviceRegistry devices;
    private final VerifiedSignatures verified;

    public SignatureVerifier(DeviceRegistry devices) {
        this(devices, null);
    }

    /** {@code verified}, shared by gateway and server in one process, lets each signature be verified once. */
    public SignatureVerifier(DeviceRegistry devices, VerifiedSignatures verified) {
        this.devices = devices;
        this.verified = verified;
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

    /** The gateway's check: the device is provisioned and its signature verifies (and is remembered as verified). */
    public Packet verify(Packet packet) {
        Ed25519.VerifyKey key = keyOf(packet);
        if (!key.verify(packet.signingInput(), packet.sig())) {
            throw new BadSignatureException(packet.deviceId(), packet.sequenceNo(),
                    "signature does not verify for device " + packet.deviceId());
        }
        if (verified != null) {
            verified.verified(key, packet.signingInput(), packet.sig());
        }
        return packet;
    }

    /**
     * The server's check of a log in a batch: the same, except that a signature this process's gateway verified
     * under the device's current key over the same bytes is not verified twice.
     */
    public Packet reverify(Packet packet) {
        if (verified != null && verified.take(keyOf(packet), packet.signingInput(), packet.sig())) {
            return packet;
        }
        Ed25519.VerifyKey key = keyOf(packet);
        if (!key.verify(packet.signingInput(), packet.sig())) {
            throw new BadSignatureException(packet.deviceId(), packet.sequenceNo(),
                    "signature does not verify for device " + packet.deviceId());
        }
        return packet;
    }

    private Ed25519.VerifyKey keyOf(Packet packet) {
        return devices.key(packet.deviceId())
                .orElseThrow(() -> new UnknownDeviceException(packet.deviceId(), packet.sequenceNo(),
                        "device " + packet.deviceId() + " is not provisioned"));
    }
}
