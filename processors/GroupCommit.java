package io.vigil.processors;

import io.vigil.model.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.DefaultExchange;

/**
 * The aggregation strategy of the gateway's {@code group-commit} aggregate. Camel's aggregator completes each incoming
 * exchange as soon as it joins a group, and camel-paho-mqtt5 acks a message when its exchange completes: left alone,
 * a packet would be acked before anything was committed. So {@link #takeAck} (the step just before the aggregate)
 * lifts the MQTT ack off the message's exchange, and {@link #aggregate} hangs every member's ack on the group's
 * exchange. They run when the group's exchange completes, after the commit; a group that fails is not acked, and the
 * broker redelivers its messages.
 */
public class GroupCommit implements AggregationStrategy {

    /** Exchange property holding the acks (Camel synchronizations) that travel with a packet. */
    public static final String ACKS = "vigilMqttAcks";

    /** Moves the MQTT ack of this exchange's message into the {@value #ACKS} property. */
    public void takeAck(Exchange exchange) {
        Exchange holder = new DefaultExchange(exchange.getContext());
        UnitOfWork unitOfWork = exchange.getUnitOfWork();
        if (unitOfWork != null) {
            unitOfWork.handoverSynchronization(holder, GroupCommit::isMqttAck);
        }
        List<Synchronization> acks = new ArrayList<>(holder.getExchangeExtension().handoverCompletions());
        exchange.setProperty(ACKS, acks);
    }

    private static boolean isMqttAck(Synchronization synchronization) {
        return synchronization instanceof BrokerIngest.BrokerAck
                || synchronization.getClass().getName().startsWith("org.apache.camel.component.paho.mqtt5.");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange group, Exchange member) {
        Packet packet = member.getMessage().getBody(Packet.class);
        if (packet == null) {
            throw new IllegalStateException("the group commit takes verified packets only");
        }
        ReplayGuard.Pending pending = new ReplayGuard.Pending(packet, member.getVariable("rawPayload", String.class),
                System.currentTimeMillis(), member.getVariable(BrokerIngest.SETTLES_HERE, BooleanSupplier.class));
        List<Synchronization> acks = member.getProperty(ACKS, List.class);
        member.removeProperty(ACKS);
        Exchange target = group == null ? member : group;
        if (group == null) {
            member.getMessage().setBody(new ArrayList<>(List.of(pending)));
            member.removeVariable("rawPayload");
        } else {
            ((List<ReplayGuard.Pending>) group.getMessage().getBody(List.class)).add(pending);
        }
        if (acks != null) {
            acks.forEach(ack -> target.getExchangeExtension().addOnCompletion(ack));
        }
        return target;
    }

    /** Throws a replay the commit refused, so the route's error policy records it as its security event. */
    public static void raise(ReplayGuard.Rejected rejected) {
        throw rejected.error();
    }
}
