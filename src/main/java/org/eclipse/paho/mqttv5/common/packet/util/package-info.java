/**
 * Vigil's own version of this one package of the Paho MQTT 5 client (1.2.5, its last release, 2020): the same three
 * classes with the same public API, written anew, which take precedence on the classpath over Paho's (Vigil's jar and
 * {@code target/classes} come first). Paho's versions read every byte of every received MQTT packet through a
 * single-byte {@code read()} on a synchronized {@code ByteArrayInputStream}: the gateway's MQTT receive thread spent
 * 4–5 % of Vigil's CPU there at full speed on Mosquitto (docs/performance.md, session 17). These read in bulk.
 *
 * <p>The whole package is replaced, not one class: Paho's jar is signed, and the JVM refuses a package whose classes
 * come from differently signed sources. {@code PahoPacketUtilTest} fails if Paho's package ever holds other classes
 * than these three, or if Paho's own are the ones loaded.
 */
package org.eclipse.paho.mqttv5.common.packet.util;
