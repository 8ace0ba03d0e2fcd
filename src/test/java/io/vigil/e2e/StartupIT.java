package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** What an operator sees when the application cannot start. */
class StartupIT {

    @Test
    void a_port_in_use_is_one_clear_line_naming_the_variable_to_change() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-startup-it-"))
                    .with("VIGIL_HTTP_PORT", String.valueOf(taken.getLocalPort()));
            Object[] result = app.runToExit();
            assertThat((int) result[0]).isEqualTo(2);
            assertThat((String) result[1]).contains("vigil: port " + taken.getLocalPort()
                    + " is in use").contains("set VIGIL_HTTP_PORT to a free port");
        }
    }

    @Test
    void an_unreadable_server_ca_names_the_variable() throws Exception {
        VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-startup-it-"))
                .with("VIGIL_SERVER_CA", "/nonexistent/ca.pem");
        Object[] result = app.runToExit();
        assertThat((int) result[0]).isEqualTo(2);
        assertThat((String) result[1]).contains("cannot read the server CA /nonexistent/ca.pem (VIGIL_SERVER_CA)");
    }

    @Test
    void an_unknown_role_is_refused_with_the_allowed_values() throws Exception {
        VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-startup-it-")).with("VIGIL_ROLE", "both");
        Object[] result = app.runToExit();
        assertThat((int) result[0]).isEqualTo(2);
        assertThat((String) result[1]).contains("VIGIL_ROLE must be all, gateway or server, got 'both'");
    }

    @Test
    void a_ledger_node_without_a_writer_key_names_the_missing_variable() throws Exception {
        VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-startup-it-"))
                .with("VIGIL_ETH_URL", "http://127.0.0.1:1");
        Object[] result = app.runToExit();
        assertThat((int) result[0]).isEqualTo(2);
        assertThat((String) result[1]).contains("VIGIL_ETH_URL is set, so VIGIL_ETH_PRIVATE_KEY must hold");
    }

    @Test
    void a_missing_dev_chain_says_how_to_install_it_or_use_another_node() throws Exception {
        VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-startup-it-"))
                .with("VIGIL_LEDGER_GANACHE", "/nonexistent/ganache");
        Object[] result = app.runToExit();
        assertThat((int) result[0]).isEqualTo(2);
        assertThat((String) result[1]).contains("the dev chain needs /nonexistent/ganache").contains("VIGIL_ETH_URL");
    }

    @Test
    void a_malformed_data_key_names_its_variable() throws Exception {
        VigilProcess app = new VigilProcess(Files.createTempDirectory("vigil-startup-it-"))
                .with("VIGIL_DATA_KEY", "c2hvcnQ");
        Object[] result = app.runToExit();
        assertThat((int) result[0]).isEqualTo(2);
        assertThat((String) result[1]).contains("VIGIL_DATA_KEY must hold 32 bytes");
    }

    @Test
    void a_bad_line_in_the_devices_file_stops_the_start_naming_it() throws Exception {
        java.nio.file.Path dir = Files.createTempDirectory("vigil-startup-it-");
        java.nio.file.Path devices = dir.resolve("devices.csv");
        Files.writeString(devices, "ok-dev-01," + Devices.publicKey("ok-dev-01") + "\nbad-dev-02,not-a-key\n");
        VigilProcess app = new VigilProcess(dir.resolve("data")).with("VIGIL_DEVICES_FILE", devices.toString());
        Object[] result = app.runToExit();
        assertThat((int) result[0]).isEqualTo(2);
        assertThat((String) result[1]).contains("VIGIL_DEVICES_FILE").contains("bad-dev-02");
        assertThat((String) result[1]).doesNotContain("Vigil is running");
    }
}
