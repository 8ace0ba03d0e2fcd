package io.vigil.model;

/** What the replay guard made of a verified packet. */
public enum AdmitVerdict {
    /** New: journalled for the next batch. */
    ACCEPTED,
    /** The same bytes again (MQTT QoS 1 redelivery): dropped silently and counted. */
    DUPLICATE
}
