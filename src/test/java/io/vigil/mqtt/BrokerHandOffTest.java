package io.vigil.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When the embedded broker's hand-off gives packets over to the broker's queue. The queue is the slower way, and a
 * packet given over while the gateway still holds it is refused or stored on both ways in: a busy gateway that sent
 * its backlog there made it grow by seconds at 1,000 msg/s, and a cold one on a slow machine recorded a refused
 * packet twice. So only a database that does not answer (a commit running past the stall time), a failing one, or a
 * gateway that settled nothing for ten stall times loses packets to it. The outage itself is
 * {@code DatabaseOutageIT}'s; a hung commit is {@code GatewayRoutesTest}'s.
 */
class BrokerHandOffTest {

    private static final long NOW = 1_795_000_000_000L;
    private static final long STALL = 1_000;

    @Test
    void a_gateway_whose_commits_go_through_keeps_every_packet_however_long_it_waited() {
        long idle = BrokerHandOff.stalledBefore(true, NOW, 0, NOW - 200, STALL);
        long shortCommit = BrokerHandOff.stalledBefore(true, NOW, NOW - 900, NOW - 5_000, STALL);
        assertThat(NOW - 5_000).as("waited 5 s, packets settled 0.2 s ago").isGreaterThanOrEqualTo(idle);
        assertThat(NOW - 5_000).as("waited 5 s, a commit running for 0.9 s").isGreaterThanOrEqualTo(shortCommit);
    }

    @Test
    void a_slow_cold_pipeline_with_no_commit_running_keeps_its_packets_for_ten_stall_times() {
        long before = BrokerHandOff.stalledBefore(true, NOW, 0, NOW - 3_000, STALL);
        assertThat(NOW - 2_900).as("the first packet after 3 s idle, waiting 2.9 s").isGreaterThanOrEqualTo(before);
        long stuck = BrokerHandOff.stalledBefore(true, NOW, 0, NOW - 12_000, STALL);
        assertThat(NOW - 10_500).as("nothing settled for 12 s: a packet that waited 10.5 s goes").isLessThan(stuck);
        assertThat(NOW - 9_000).as("one that waited 9 s stays").isGreaterThanOrEqualTo(stuck);
    }

    @Test
    void a_commit_running_past_the_stall_time_gives_over_the_packets_that_waited_it() {
        long before = BrokerHandOff.stalledBefore(true, NOW, NOW - 1_500, NOW - 1_500, STALL);
        assertThat(NOW - 1_200).as("waited 1.2 s").isLessThan(before);
        assertThat(NOW - 300).as("waited 0.3 s").isGreaterThanOrEqualTo(before);
    }

    @Test
    void a_closed_gateway_gives_over_every_waiting_packet() {
        long before = BrokerHandOff.stalledBefore(false, NOW, 0, NOW, STALL);
        assertThat(NOW).isLessThan(before);
    }
}
