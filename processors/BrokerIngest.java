package io.vigil.processors;

import io.vigil.mqtt.BrokerHandOff;
import java.util.function.BooleanSupplier;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;

/**
 * The gateway end of the embedded broker's in-process hand-off ({@link BrokerHandOff}): each packet becomes an
 * exchange of the {@code embedded-ingest} route ({@code routes/gateway/mqtt-ingest.camel.yaml}), carrying the device the
 * broker logged in and its PUBACK as a {@link BrokerAck}. The group commit takes that ack with the packet, as it
 * takes camel-paho-mqtt5's, and it runs after the commit.
 */
public class BrokerIngest implements BrokerHandOff.Ingest {

    /**
     * Exchange variable: whether this exchange records its packet's outcome (a {@code BooleanSupplier}). False once the
     * broker's queue took the packet over (a stalled database), so a refused packet becomes one security event, not one
     * on each way in.
     */
    public static final String SETTLES_HERE = "settlesHere";

    private final Endpoint endpoint;
    private final AsyncProducer producer;

    public BrokerIngest(CamelContext context, String uri) {
        try {
            this.endpoint = context.getEndpoint(uri);
            this.producer = endpoint.createAsyncProducer();
            producer.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the broker hand-off to " + uri + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void take(byte[] payload, String device, BrokerHandOff.Outcome outcome) {
        Exchange exchange = endpoint.createExchange();
        exchange.getIn().setBody(payload);
        exchange.setVariable("mqttDevice", device);
        exchange.setVariable(SETTLES_HERE, (BooleanSupplier) outcome::claim);
        exchange.getExchangeExtension().addOnCompletion(new BrokerAck(outcome));
        producer.process(exchange, doneSync -> {
        });
    }

    /**
     * Whether the exchange holding this claim records its packet's security event: yes without one (a packet from the
     * broker's queue or an external broker), else only if the broker's queue has not taken the packet over, and then
     * never after.
     */
    public static boolean settlesHere(Object claim) {
        return !(claim instanceof BooleanSupplier supplier) || supplier.getAsBoolean();
    }

    /** The PUBACK of a handed-over packet: sent when its exchange (the group's, after the commit) completes. */
    public record BrokerAck(BrokerHandOff.Outcome outcome) implements Synchronization {
        @Override
        public void onComplete(Exchange exchange) {
            outcome.committed();
        }

        @Override
        public void onFailure(Exchange exchange) {
            outcome.failed();
        }
    }
}
