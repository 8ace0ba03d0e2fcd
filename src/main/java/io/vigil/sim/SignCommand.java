package io.vigil.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;

/** {@code vigil sign}: prints one packet signed with a demo key (PROTOCOL §5), e.g. for mosquitto_pub. */
public final class SignCommand {

    private SignCommand() {
    }

    public static int main(String[] argv) {
        Args args = new Args(argv);
        if (args.has("help")) {
            System.out.println("usage: vigil sign [--device esp32-lab-01] [--seq <now ms>] [--type telemetry|heartbeat]"
                    + " [--temperature 22.4]\n  prints a packet signed with the device's demo key (demo fleet only)");
            return 0;
        }
        String device = args.get("device", "esp32-lab-01");
        long now = System.currentTimeMillis();
        ObjectNode p = CanonicalJson.STRICT.createObjectNode();
        p.put("device_id", device);
        p.put("type", args.get("type", "telemetry"));
        p.put("sequence_no", args.getLong("seq", now));
        p.put("timestamp", now);
        p.put("cpu_usage", 12.5);
        p.put("battery_level", 87.0);
        ObjectNode sensors = p.putObject("sensors");
        if (!"heartbeat".equals(args.get("type", "telemetry"))) {
            sensors.put("temperature", Double.parseDouble(args.get("temperature", "22.4")));
            sensors.put("humidity", 41.0);
            sensors.put("light", 310.0);
            sensors.put("motion", 0);
        }
        System.out.println(SimDevice.sign(Ed25519.demoKey(device), p));
        return 0;
    }
}
