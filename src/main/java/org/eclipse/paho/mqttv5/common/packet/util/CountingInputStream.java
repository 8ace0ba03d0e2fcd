package org.eclipse.paho.mqttv5.common.packet.util;

import java.io.IOException;
import java.io.InputStream;

/** An input stream that counts the bytes read through it (Paho's API; bulk reads pass through in bulk). */
public class CountingInputStream extends InputStream {

    private final InputStream inputStream;
    private int counter;

    public CountingInputStream(InputStream inputStream) {
        this.inputStream = inputStream;
    }

    @Override
    public int read() throws IOException {
        int b = inputStream.read();
        if (b != -1) {
            counter++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = inputStream.read(buffer, offset, length);
        if (n > 0) {
            counter += n;
        }
        return n;
    }

    /** The number of bytes read since creation or the last {@link #resetCounter}. */
    public int getCounter() {
        return counter;
    }

    public void resetCounter() {
        counter = 0;
    }
}
