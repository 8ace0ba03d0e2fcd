package org.eclipse.paho.mqttv5.common.packet.util;

/** An MQTT variable byte integer's value and the number of bytes it took on the wire (-1: not known). */
public class VariableByteInteger {

    private final int value;
    private final int length;

    public VariableByteInteger(int value) {
        this(value, -1);
    }

    public VariableByteInteger(int value, int length) {
        this.value = value;
        this.length = length;
    }

    public int getEncodedLength() {
        return length;
    }

    public int getValue() {
        return value;
    }
}
