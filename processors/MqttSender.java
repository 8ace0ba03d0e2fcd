package io.vigil.processors;

import io.vigil.mqtt.BrokerSecurity;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Message;
import org.apache.camel.support.ExpressionAdapter;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * The device the embedded broker logged in for a message (PROTOCOL v1.1 §1a), from the {@code vigil-device} user
 * property its security extension sets on every publish after removing any the client sent. On an external broker
 * nothing vouches for that property, so it is ignored there and the signature alone decides. An expression, so that the
 * route's {@code setVariable} reads it through the {@code ref} language, without a bean lookup on every message.
 */
public class MqttSender extends ExpressionAdapter {

    private final boolean trusted;

    public MqttSender(boolean embeddedBroker) {
        this.trusted = embeddedBroker;
    }

    /** {@link #device}, as the {@code ref} language asks it. */
    @Override
    public Object evaluate(Exchange exchange) {
        return device(exchange);
    }

    /** The logged-in device, or null (Vigil's own fleet client, or an external broker). */
    public String device(Exchange exchange) {
        if (!trusted || !(exchange.getIn() instanceof PahoMqtt5Message message) || message.getMqttMessage() == null
                || message.getMqttMessage().getProperties() == null) {
            return null;
        }
        var properties = message.getMqttMessage().getProperties().getUserProperties();
        if (properties == null) {
            return null;
        }
        for (UserProperty p : properties) {
            if (BrokerSecurity.SENDER_PROPERTY.equals(p.getKey())) {
                return p.getValue();
            }
        }
        return null;
    }
}
