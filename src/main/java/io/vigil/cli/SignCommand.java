package io.vigil.cli;

import io.vigil.sim.SimDevice;

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
                    + " [--temperature 22.4] [--timestamp-offset-ms 0] [--host 127.0.0.1] [--port 1883] [--packet-only]\n"
                    + "  prints a packet signed with the device's demo key (demo fleet only) and a ready mosquitto_pub\n"
                    + "  line that logs in as the device (PROTOCOL v1.1 section 1a: its credential is valid for 300 s)");
            return 0;
        }
        String device = args.get("device", "esp32-lab-01");
        long now = System.currentTimeMillis();
        ObjectNode p = CanonicalJson.STRICT.createObjectNode();
        p.put("device_id", device);
        p.put("type", args.get("type", "telemetry"));
        p.put("sequence_no", args.getLong("seq", now));
        p.put("timestamp", now + args.getLong("timestamp-offset-ms", 0));
        p.put("cpu_usage", 12.5);
        p.put("battery_level", 87.0);
        ObjectNode sensors = p.putObject("sensors");
        if (!"heartbeat".equals(args.get("type", "telemetry"))) {
            sensors.put("temperature", Double.parseDouble(args.get("temperature", "22.4")));
            sensors.put("humidity", 41.0);
            sensors.put("light", 310.0);
            sensors.put("motion", 0);
        }
        String packet = SimDevice.sign(Ed25519.demoKey(device), p);
        if (args.has("packet-only")) {
            System.out.println(packet);
            return 0;
        }
        String password = io.vigil.crypto.MqttCredential.password(Ed25519.demoKey(device), device, now);
        System.out.println("# the packet:");
        System.out.println(packet);
        System.out.println("# publish it as the device (the password is its Ed25519 login, valid for 300 s):");
        System.out.println("mosquitto_pub -V mqttv5 -h " + args.get("host", "127.0.0.1") + " -p " + args.get("port", System.getenv().getOrDefault("VIGIL_MQTT_PORT", "1883"))
                + " -q 1 -t iot/logs -i " + device + "-" + Long.toString(now % 100_000, 36) + " -u " + device + " -P '"
                + password + "' -m '" + packet.replace("'", "'\\''") + "'");
        return 0;
    }
}
