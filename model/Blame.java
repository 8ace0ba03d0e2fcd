package io.vigil.model;

/**
 * Who can have caused a rejection (PROTOCOL v1.1 §4). Only what the holder of the device's key alone can cause
 * costs the device trust; what anyone can send without the key is recorded and costs nothing.
 */
public enum Blame {
    /** Anyone could have sent it: bad signature, unknown device, schema, a replay of an old genuine packet. */
    ANYONE,
    /** Only the key holder: two validly signed packets with one sequence number, or an impersonation. */
    KEY_HOLDER,
    /**
     * A validly signed packet refused for sanity or rate: the key holder's doing if the packet is new (above the
     * device's replay window and refused for the first time), anyone's if it is a re-send of an old one.
     */
    KEY_HOLDER_IF_NEW
}
