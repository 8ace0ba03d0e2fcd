package io.vigil.processors;

import io.vigil.model.Packet;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * The gateway's per-packet steps as Camel processors, which the stage routes in {@code routes/gateway/} name in
 * {@code process} steps ({@code validate.camel.yaml}, {@code authenticate.camel.yaml}, {@code sanity.camel.yaml}, and
 * {@code take-ack} in {@code mqtt-ingest.camel.yaml}). Camel calls a processor directly; a {@code bean} step looks up
 * its method and binds its arguments on every call, which cost about 5 % of a packet's CPU (docs/performance.md,
 * session 17). Each step does what the methods it calls document.
 */
public final class GatewaySteps {

    /** The exchange variable holding the device the embedded broker logged in (null elsewhere). */
    public static final String MQTT_DEVICE = "mqttDevice";

    private GatewaySteps() {
    }

    /** Counts the packet as received, then size, encoding, strict JSON and the schema: the body becomes a Packet. */
    public static Processor validate(GatewayCounters counters, PacketValidator validator) {
        return exchange -> {
            counters.received();
            // No body (or none readable as bytes) is the validator's "empty packet", a schema event like any other.
            exchange.getMessage().setBody(validator.validate(exchange.getMessage().getBody(byte[].class)));
        };
    }

    /** The packet names the logged-in device (embedded broker), its device is provisioned, its signature verifies. */
    public static Processor authenticate(SignatureVerifier verifier) {
        return exchange -> {
            Packet packet = packet(exchange);
            verifier.checkSender(packet, exchange.getVariable(MQTT_DEVICE, String.class));
            verifier.verify(packet);
        };
    }

    /** Clock skew and value ranges against the time now, then the device's rate in its own signed time. */
    public static Processor sanity(SanityChecker checker) {
        return exchange -> {
            Packet packet = packet(exchange);
            checker.check(packet, System.currentTimeMillis());
            checker.checkRate(packet);
        };
    }

    /** Lifts the message's MQTT ack off its exchange so that it travels with the packet into the group commit. */
    public static Processor takeAck(GroupCommit groupCommit) {
        return groupCommit::takeAck;
    }

    private static Packet packet(Exchange exchange) throws InvalidPayloadException {
        return exchange.getMessage().getMandatoryBody(Packet.class);
    }
}
