package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.testsupport.SignedPackets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser (Debian Chromium via playwright-core, {@code dashboard/e2e}) against the
 * packaged application with its simulated fleet and dev chain: logs appear live, an attack's alert with its
 * tx link and the transaction view, a proof verified in the browser, a viewer who cannot command, an
 * operator's refused and published commands, and the feed reconnecting by itself after a server restart.
 * Screenshots of each view go to target/screenshots.
 */
class DashboardIT {

    static final String LOW = "it-low-trust";

    @Test
    void an_operator_and_a_viewer_use_the_dashboard_in_chromium() throws Exception {
        Path dataDir = Files.createTempDirectory("vigil-dashboard-it-");
        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        try (VigilProcess app = new VigilProcess(dataDir).with("VIGIL_SIMULATOR_DEVICES", "4")
                .with("VIGIL_SIMULATOR_ATTACK_EVERY_S", "3").with("VIGIL_BATCH_TIMEOUT_MS", "500").start()) {
            Api api = app.api();
            assertThat(api.post("/api/v1/devices", "it-admin-token", "{\"device_id\":\"" + LOW + "\",\"public_key\":\""
                    + SignedPackets.publicKey(LOW) + "\"}").status()).isEqualTo(201);
            try (Devices devices = Devices.fleet(app, "iot/logs")) {
                // Three attributable incidents of three kinds (PROTOCOL v1.1 §4), −20 each: sanity, replay, rate.
                long now = System.currentTimeMillis();
                devices.publish(SignedPackets.signed(LOW, 0, now + 3_600_000L, 20));
                devices.publish(SignedPackets.signed(LOW, 1, now, 20));
                devices.publish(SignedPackets.signed(LOW, 1, now, 21));
                for (int i = 0; i < 25; i++) {
                    devices.publish(SignedPackets.signed(LOW, 10 + i, now + 2000 + i, 20));
                }
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> api.viewer("/api/v1/devices/" + LOW).get("trust_score").asInt() == 40);

            ProcessBuilder node = new ProcessBuilder("node", "e2e/dashboard.e2e.mjs").directory(Path.of("dashboard").toFile())
                    .redirectErrorStream(true);
            node.environment().put("VIGIL_URL", "https://localhost:" + app.httpPort);
            node.environment().put("VIGIL_VIEWER_TOKEN", "it-viewer-token");
            node.environment().put("VIGIL_OPERATOR_TOKEN", "it-operator-token");
            node.environment().put("VIGIL_LOW_TRUST_DEVICE", LOW);
            node.environment().put("SCREENSHOT_DIR", screenshots.toString());
            Process browser = node.start();
            List<String> output = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
                    Writer in = new java.io.OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8)) {
                String line;
                while ((line = out.readLine()) != null) {
                    output.add(line);
                    if (line.equals("READY_FOR_RESTART")) {
                        app.stop();
                        app.start();
                        in.write("RESTARTED\n");
                        in.flush();
                    }
                }
            }
            assertThat(browser.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String log = String.join("\n", output);
            assertThat(browser.exitValue()).as(log).isZero();
            assertThat(log).contains("E2E OK").doesNotContain("PAGE ERROR");
        }
        for (String view : List.of("01-login-refused", "02-live", "03-alerts", "04-transaction", "05-proof",
                "06-devices-viewer", "07-command-refused", "08-command-published", "09-reconnected")) {
            Path png = screenshots.resolve(view + ".png");
            assertThat(png).exists();
            assertThat(Files.size(png)).as(view).isGreaterThan(10_000);
        }
    }
}
