package io.vigil.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When the embedded broker's hand-off gives packets over to the broker's queue. The queue is the slower way: a busy
 * gateway that sent its backlog there made it grow by seconds at 1,000 msg/s, so only a gateway that stopped settling
 * packets (a hung or failing database) loses them to it. The outage itself is {@code DatabaseOutageIT}'s.
 */
class BrokerHandOffTest {

    private static final long NOW = 1_795_000_000_000L;
    private static final long STALL = 1_000;

    @Test
    void a_busy_gateway_that_settled_a_packet_within_the_stall_time_keeps_every_packet() {
        long before = BrokerHandOff.stalledBefore(true, NOW, NOW - 200, STALL);
        long waitedFiveSeconds = NOW - 5_000;
        assertThat(waitedFiveSeconds).as("even a packet that waited 5 s stays").isGreaterThanOrEqualTo(before);
    }

    @Test
    void a_gateway_that_settled_nothing_for_the_stall_time_gives_over_the_packets_that_waited_it() {
        long before = BrokerHandOff.stalledBefore(true, NOW, NOW - 1_500, STALL);
        assertThat(NOW - 1_200).as("waited 1.2 s").isLessThan(before);
        assertThat(NOW - 300).as("waited 0.3 s").isGreaterThanOrEqualTo(before);
    }

    @Test
    void a_closed_gateway_gives_over_every_waiting_packet() {
        long before = BrokerHandOff.stalledBefore(false, NOW, NOW, STALL);
        assertThat(NOW).isLessThan(before);
    }
}
