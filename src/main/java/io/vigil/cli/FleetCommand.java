package io.vigil.cli;

import io.vigil.sim.Attack;
import io.vigil.sim.Fleet;
import io.vigil.sim.MqttLogin;
import io.vigil.sim.SimDevice;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code vigil simulate}: a simulated fleet against any MQTT 5 broker, with attacks and ground truth. */
public final class FleetCommand {

    private static final String USAGE = """
            usage: vigil simulate [--broker tcp://127.0.0.1:1883] [--topic iot/logs] [--devices 10] [--prefix ext]
                                  [--interval-ms 1000] [--duration-s 60] [--attacks replay,flood,...] [--attack-every-s 10]
                                  [--ground-truth ground-truth.jsonl] [--seed 7] [--print-devices] [--data-dir data]
              --data-dir        log in as vigil:fleet with that data dir's mqtt-credentials.properties (default ./data
                                when it has one); else VIGIL_MQTT_USERNAME / VIGIL_MQTT_PASSWORD from the environment
              --prefix          device ids are <prefix>-0001, …; the default differs from the demo fleet's (sim),
                                whose ids and keys a simulator with the same seed would repeat: its packets would
                                be replays of the demo's sequence numbers and cost those devices trust
              --print-devices   print device_id,public_key lines (a devices file for provisioning) and exit
              attacks: replay, forged_signature, tampered_payload, flood, sensor_spike, cpu_hijack, battery_drain,
                       clock_skew, unknown_device, malformed_json, silent_device
            """;

    private FleetCommand() {
    }

    public static int main(String[] argv) {
        Args args = new Args(argv);
        if (args.has("help")) {
            System.out.print(USAGE);
            return 0;
        }
        int count = (int) args.getLong("devices", 10);
        long seed = args.getLong("seed", 7);
        String prefix = args.get("prefix", "ext");
        if ("sim".equals(prefix) && !args.has("print-devices")) {
            System.err.println("vigil simulate: the prefix sim is the demo fleet's; the same seed gives the same ids and keys,"
                    + " so this fleet's packets would be replays of the demo's. Choose another --prefix (default ext).");
            return 2;
        }
        List<SimDevice> devices = Fleet.devices(prefix, count, System.currentTimeMillis(), seed);
        if (args.has("print-devices")) {
            devices.forEach(d -> System.out.println(d.id() + "," + d.publicKey()));
            return 0;
        }
        List<Attack> attacks = new ArrayList<>();
        for (String name : args.get("attacks", "").split(",")) {
            if (!name.isBlank()) {
                attacks.add(Attack.fromWire(name));
            }
        }
        long interval = args.getLong("interval-ms", 1000);
        long durationMs = args.getLong("duration-s", 60) * 1000;
        long attackEveryMs = args.getLong("attack-every-s", 10) * 1000;
        try (Fleet fleet = new Fleet(devices, args.get("broker", "tcp://127.0.0.1:1883"), "vigil-sim-" + seed,
                args.get("topic", "iot/logs"), Path.of(args.get("ground-truth", "ground-truth.jsonl")), seed, 10,
                MqttLogin.of(args.has("data-dir") ? args.get("data-dir", "data") : null))) {
            long start = System.currentTimeMillis();
            long nextAttack = start + attackEveryMs;
            int attackIndex = 0;
            long published = 0;
            while (System.currentTimeMillis() - start < durationMs) {
                long now = System.currentTimeMillis();
                fleet.tick(now);
                published += count;
                if (!attacks.isEmpty() && now >= nextAttack) {
                    Attack attack = attacks.get(attackIndex++ % attacks.size());
                    System.out.println((fleet.inject(attack, now) ? "injected " : "could not stage yet: ") + attack.wire());
                    nextAttack = now + attackEveryMs;
                }
                long sleep = interval - (System.currentTimeMillis() - now);
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
            System.out.println("published " + published + " normal packets from " + count + " devices");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
