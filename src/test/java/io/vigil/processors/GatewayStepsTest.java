package io.vigil.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.model.BadSignatureException;
import io.vigil.model.ImpersonationException;
import io.vigil.model.Packet;
import io.vigil.model.SanityCheckException;
import io.vigil.model.SchemaViolationException;
import io.vigil.testsupport.SignedPackets;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's per-packet processors do what the stage beans they call do, from what a route hands them. */
class GatewayStepsTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    @Test
    void validate_counts_the_packet_and_types_it_and_an_empty_message_is_a_schema_event() throws Exception {
        GatewayCounters counters = new GatewayCounters(null, "gw-test");
        var validate = GatewaySteps.validate(counters, TestPackets.VALIDATOR);
        long now = System.currentTimeMillis();
        Exchange ok = exchange(SignedPackets.signed("esp32-lab-01", 3, now, 21).getBytes());
        validate.process(ok);
        assertThat(ok.getMessage().getBody()).isInstanceOf(Packet.class);
        assertThat(ok.getMessage().getBody(Packet.class).sequenceNo()).isEqualTo(3);
        assertThatThrownBy(() -> validate.process(exchange(null))).isInstanceOf(SchemaViolationException.class)
                .hasMessageContaining("empty packet");
        assertThatThrownBy(() -> validate.process(exchange("{\"device_id\":"))).isInstanceOf(SchemaViolationException.class);
    }

    @Test
    void authenticate_holds_the_logged_in_device_to_its_packets_and_checks_the_signature(@TempDir Path dir)
            throws Exception {
        var db = TestDatabase.open(dir);
        try {
            DeviceRegistry devices = new DeviceRegistry(db);
            devices.provision("esp32-lab-01", SignedPackets.publicKey("esp32-lab-01"), 1L);
            var authenticate = GatewaySteps.authenticate(new SignatureVerifier(devices));
            long now = System.currentTimeMillis();
            Packet packet = TestPackets.packet("esp32-lab-01", 1, now, 20);

            Exchange fromOther = exchange(packet);
            fromOther.setVariable(GatewaySteps.MQTT_DEVICE, "esp32-lab-02");
            assertThatThrownBy(() -> authenticate.process(fromOther)).isInstanceOf(ImpersonationException.class);

            Exchange fromItself = exchange(packet);
            fromItself.setVariable(GatewaySteps.MQTT_DEVICE, "esp32-lab-01");
            authenticate.process(fromItself);
            authenticate.process(exchange(packet));

            Packet tampered = TestPackets.VALIDATOR.validate(TestPackets.signed("esp32-lab-01", 2, now, 20)
                    .replace("\"temperature\":20", "\"temperature\":25").getBytes());
            assertThatThrownBy(() -> authenticate.process(exchange(tampered))).isInstanceOf(BadSignatureException.class);
        } finally {
            db.close();
        }
    }

    @Test
    void sanity_checks_the_clock_against_now() {
        var sanity = GatewaySteps.sanity(new SanityChecker(300_000, 20, -40, 85, 100_000));
        Packet skewed = TestPackets.packet("esp32-lab-01", 1, System.currentTimeMillis() - 3_600_000, 20);
        assertThatThrownBy(() -> sanity.process(exchange(skewed))).isInstanceOf(SanityCheckException.class)
                .hasMessageContaining("clock skew");
    }
}
