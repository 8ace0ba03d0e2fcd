package io.vigil.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.eclipse.paho.mqttv5.common.packet.util.CountingInputStream;
import org.eclipse.paho.mqttv5.common.packet.util.MultiByteArrayInputStream;
import org.eclipse.paho.mqttv5.common.packet.util.VariableByteInteger;
import org.junit.jupiter.api.Test;

/**
 * Vigil replaces one package of the Paho MQTT 5 client with bulk-reading versions of its classes (see the package's
 * javadoc): they must be the ones loaded, the package must hold nothing else in Paho's jar (a class of it loaded from
 * Paho's signed jar beside these unsigned ones would fail at run time), and Paho must still read what it wrote.
 */
class PahoPacketUtilTest {

    private static final String PACKAGE = "org/eclipse/paho/mqttv5/common/packet/util/";

    @Test
    void vigils_classes_are_loaded_and_they_are_the_whole_of_pahos_package() throws Exception {
        URL paho = MqttWireMessage.class.getProtectionDomain().getCodeSource().getLocation();
        for (Class<?> c : List.of(CountingInputStream.class, MultiByteArrayInputStream.class, VariableByteInteger.class)) {
            assertThat(c.getProtectionDomain().getCodeSource().getLocation()).as(c.getSimpleName()).isNotEqualTo(paho);
        }
        TreeSet<String> inPaho = new TreeSet<>();
        try (JarFile jar = new JarFile(new java.io.File(paho.toURI()))) {
            jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith(PACKAGE) && n.endsWith(".class") && n.indexOf('/', PACKAGE.length()) < 0)
                    .forEach(inPaho::add);
        }
        assertThat(inPaho).containsExactly(PACKAGE + "CountingInputStream.class",
                PACKAGE + "MultiByteArrayInputStream.class", PACKAGE + "VariableByteInteger.class");
    }

    @Test
    void paho_reads_back_a_publish_it_encoded() throws Exception {
        byte[] payload = "{\"device_id\":\"esp32-lab-01\",\"sequence_no\":7}".getBytes(StandardCharsets.UTF_8);
        MqttMessage message = new MqttMessage(payload, 1, false, null);
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(List.of(new UserProperty("vigil-device", "esp32-lab-01")));
        MqttPublish publish = new MqttPublish("iot/logs", message, properties);
        publish.setMessageId(4242);
        byte[] header = publish.getHeader();
        byte[] body = publish.getPayload();
        byte[] wire = new byte[header.length + body.length];
        System.arraycopy(header, 0, wire, 0, header.length);
        System.arraycopy(body, 0, wire, header.length, body.length);

        MqttPublish read = (MqttPublish) MqttWireMessage.createWireMessage(wire);

        assertThat(read.getTopicName()).isEqualTo("iot/logs");
        assertThat(read.getMessageId()).isEqualTo(4242);
        assertThat(read.getMessage().getQos()).isEqualTo(1);
        assertThat(read.getMessage().getPayload()).isEqualTo(payload);
        assertThat(read.getProperties().getUserProperties()).extracting(UserProperty::getValue)
                .containsExactly("esp32-lab-01");
    }

    @Test
    void the_streams_read_in_bulk_what_they_read_byte_by_byte() throws Exception {
        byte[] a = {1, 2, 3, (byte) 0xff, 5};
        byte[] b = {6, 7, (byte) 0x80, 9};
        MultiByteArrayInputStream multi = new MultiByteArrayInputStream(a, 1, 3, b, 0, 3);
        assertThat(multi.read()).isEqualTo(2);
        byte[] buffer = new byte[10];
        assertThat(multi.read(buffer, 0, 3)).isEqualTo(3);
        assertThat(buffer).startsWith(3, (byte) 0xff, 6);
        assertThat(multi.read(buffer, 3, 10 - 3)).isEqualTo(2);
        assertThat(buffer[3]).isEqualTo((byte) 7);
        assertThat(buffer[4]).isEqualTo((byte) 0x80);
        assertThat(multi.read()).isEqualTo(-1);
        assertThat(multi.read(buffer, 0, 1)).isEqualTo(-1);

        CountingInputStream counting = new CountingInputStream(new ByteArrayInputStream(new byte[100]));
        DataInputStream in = new DataInputStream(counting);
        in.readByte();
        in.readFully(new byte[60]);
        assertThat(counting.getCounter()).isEqualTo(61);
        assertThat(counting.read(new byte[100], 0, 100)).isEqualTo(39);
        assertThat(counting.getCounter()).isEqualTo(100);
        assertThat(counting.read()).isEqualTo(-1);
        assertThat(counting.getCounter()).isEqualTo(100);
        counting.resetCounter();
        assertThat(counting.getCounter()).isZero();
        assertThat(new VariableByteInteger(300).getEncodedLength()).isEqualTo(-1);
        assertThat(new VariableByteInteger(300, 2).getValue()).isEqualTo(300);
    }
}
