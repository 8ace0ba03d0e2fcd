package org.eclipse.paho.mqttv5.common.packet.util;

import java.io.InputStream;

/** Two byte-array ranges read as one stream, the first then the second (Paho's API; bulk reads copy in bulk). */
public class MultiByteArrayInputStream extends InputStream {

    private final byte[] bytesA;
    private final int offsetA;
    private final int lengthA;
    private final byte[] bytesB;
    private final int offsetB;
    private final int lengthB;
    private int pos;

    public MultiByteArrayInputStream(byte[] bytesA, int offsetA, int lengthA, byte[] bytesB, int offsetB, int lengthB) {
        this.bytesA = bytesA;
        this.offsetA = offsetA;
        this.lengthA = lengthA;
        this.bytesB = bytesB;
        this.offsetB = offsetB;
        this.lengthB = lengthB;
    }

    @Override
    public int read() {
        int b;
        if (pos < lengthA) {
            b = bytesA[offsetA + pos];
        } else if (pos < lengthA + lengthB) {
            b = bytesB[offsetB + pos - lengthA];
        } else {
            return -1;
        }
        pos++;
        return b & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        if (pos >= lengthA + lengthB) {
            return -1;
        }
        int copied = 0;
        if (pos < lengthA) {
            int n = Math.min(length, lengthA - pos);
            System.arraycopy(bytesA, offsetA + pos, buffer, offset, n);
            pos += n;
            copied = n;
        }
        if (copied < length && pos >= lengthA && pos < lengthA + lengthB) {
            int n = Math.min(length - copied, lengthA + lengthB - pos);
            System.arraycopy(bytesB, offsetB + pos - lengthA, buffer, offset + copied, n);
            pos += n;
            copied += n;
        }
        return copied;
    }
}
