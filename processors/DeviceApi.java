package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.crypto.CanonicalJson;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provisioning from the REST API. */
public class DeviceApi {

    private final DeviceRegistry registry;

    public DeviceApi(DeviceRegistry registry) {
        this.registry = registry;
    }

    /** POST /devices: 201 with the device, 409 when it exists, 400 for a bad id or key. */
    public Map<String, Object> provision(byte[] body, long now) {
        JsonNode request;
        try {
            request = CanonicalJson.parse(body == null ? new byte[0] : body);
        } catch (IOException e) {
            throw new BadRequestException("body must be JSON {\"device_id\", \"public_key\"}", null);
        }
        if (request == null || !request.isObject()) {
            throw new BadRequestException("body must be JSON {\"device_id\", \"public_key\"}", null);
        }
        String deviceId = request.path("device_id").isTextual() ? request.get("device_id").asText() : null;
        String publicKey = request.path("public_key").isTextual() ? request.get("public_key").asText() : null;
        DeviceRegistry.Provisioned result;
        try {
            result = registry.provision(deviceId, publicKey, now);
        } catch (IllegalArgumentException e) {
            // The id or the key is not what PROTOCOL §6 asks for; the message says which, in words.
            throw new BadRequestException(e.getMessage(), null);
        }
        if (result == DeviceRegistry.Provisioned.EXISTS) {
            throw new ConflictException("device " + deviceId + " is already provisioned", deviceId);
        }
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("device_id", deviceId);
        created.put("public_key", publicKey);
        created.put("provisioned_at", now);
        return created;
    }
}
