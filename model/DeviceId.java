package io.vigil.model;

import java.util.regex.Pattern;

/** PROTOCOL §1: a device id. The one definition; the JSON Schema ({@code device-packet.schema.json}) states it too. */
public final class DeviceId {

    public static final Pattern PATTERN = Pattern.compile("^[a-z0-9][a-z0-9_-]{2,63}$");

    private DeviceId() {
    }

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }
}
