package io.vigil.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.puback.PubackOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.puback.parameter.PubackOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.puback.parameter.PubackOutboundOutput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The embedded broker hands device packets to the gateway in the same process (issue 15), instead of queueing them
 * on disk for the gateway's MQTT session and delivering them again over a socket (which capped the embedded broker
 * near 660 msg/s here).
 *
 * <p>The publish interceptor takes a packet on {@code iot/logs} into the gateway and keeps the broker from delivering
 * it to any subscriber. For QoS 1 the PUBACK waits until the gateway's group commit holds the packet, or its security
 * event: a PUBACK then means "durable in Vigil", more than the broker's own queue gave. On a device's own connection
 * the PUBLISH is held (the broker's PUBACK, a refusal's included, stays exactly its own); on a Vigil publisher
 * carrying many devices the PUBACK is held instead, so that connection's later packets flow meanwhile (the broker
 * handles one held PUBLISH per client at a time).
 *
 * <p>While the gateway cannot commit (its database gone: {@code open} says no, or no packet was committed for the stall
 * time while one waited: a hung disk), new packets take the broker's own way, queued durably for the gateway's session
 * as before the hand-off, for five stall times, and a packet held longer than the stall time is given over to that
 * queue too; the device gets its PUBACK from the queue and is never kept waiting on an outage. A gateway that is
 * merely busy keeps committing and keeps its packets: the broker's queue is the slower way, and sending a backlog
 * there made it grow (seconds of latency at 1,000 msg/s).
 * The gateway may then meet such a packet twice, and the replay window counts the second as a transport duplicate.
 * If the gateway fails a packet outright, the client is disconnected before its PUBACK can leave, and publishes it
 * again when it reconnects (MQTT 5 §4.4).
 */
public final class BrokerHandOff implements PubackOutboundInterceptor {

    /** The gateway side (a Camel route): takes one packet and later calls exactly one of the two outcomes. */
    public interface Ingest {
        void take(byte[] payload, String device, Outcome outcome);
    }

    /** What became of a handed-over packet. */
    public interface Outcome {
        /** Committed (stored for forwarding, or recorded as a security event): the PUBACK may go. */
        void committed();

        /** Not committed: no PUBACK, the device will publish it again. */
        void failed();

        /**
         * Called before the gateway records a refused packet: whether it is still the gateway's to record. False when
         * the broker's queue took it over (it is recorded from there); once true, the queue can no longer take it.
         */
        default boolean claim() {
            return true;
        }
    }

    private enum Result { COMMITTED, FAILED, QUEUED }

    /**
     * A QoS 1 packet waiting for its commit: the result, whether and when its PUBACK may go, and who settles it
     * ({@link #WAITING}, {@link #QUEUED}: the broker's queue, {@link #CLAIMED}: the gateway is recording it).
     */
    private record Held(CompletableFuture<Result> result, CompletableFuture<Boolean> ackable, long since,
            AtomicInteger owner) {
    }

    private static final int WAITING = 0;
    private static final int QUEUED = 1;
    private static final int CLAIMED = 2;

    private static final Outcome NONE = new Outcome() {
        @Override
        public void committed() {
        }

        @Override
        public void failed() {
        }
    };

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokerHandOff.class);
    private final Ingest ingest;
    private final String topic;
    private final BooleanSupplier open;
    private final LongSupplier commitSince;
    private final long stallMs;
    private final Duration timeout;
    /** Every packet waiting for its commit, by a number of our own; those whose PUBACK is held, by client and packet id. */
    private final ConcurrentHashMap<Long, Held> waiting = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Held> heldAcks = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private volatile long lastStall;
    /** When the gateway last settled a packet (committed or failed): a gateway that settles packets is not stalled. */
    private volatile long lastProgress = System.currentTimeMillis();
    private long lastWarning;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-mqtt-handoff");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param open whether the gateway commits (else packets take the broker's queue)
     * @param commitSince when the gateway's commit in progress began (0: none)
     * @param stallMs how long a commit may run (a tenth of how long the gateway may settle nothing) before waiting
     *     packets are given over to the broker's queue
     * @param timeout the broker's limit on a held PUBLISH or PUBACK (past it: failure PUBACK, or the PUBACK goes)
     */
    public BrokerHandOff(Ingest ingest, String topic, BooleanSupplier open, LongSupplier commitSince, long stallMs,
            Duration timeout) {
        this.ingest = ingest;
        this.topic = topic;
        this.open = open;
        this.commitSince = commitSince;
        this.stallMs = stallMs;
        this.timeout = timeout;
        sweeper.scheduleWithFixedDelay(this::sweep, 100, 100, TimeUnit.MILLISECONDS);
        LOG.info("embedded broker: device packets on {} go to the gateway in process; each PUBACK follows the commit"
                + " that holds its packet (VIGIL_MQTT_HANDOFF=false: the broker's queue instead)", topic);
    }

    /** Packets given over to the broker's queue because the gateway could not commit them in time. */
    public long queued() {
        return queued.get();
    }

    public void close() {
        sweeper.shutdownNow();
    }

    /**
     * Takes a device packet into the gateway (from the publish interceptor), unless the gateway cannot commit now:
     * then the broker delivers it to the gateway's session as usual. {@code ownConnection}: the device's own login.
     */
    void take(PublishInboundInput in, PublishInboundOutput out, String device, boolean ownConnection) {
        if (!open.getAsBoolean() || System.currentTimeMillis() - lastStall < 5 * stallMs) {
            return; // the gateway is not committing: the broker's queue takes the packet, and its PUBACK
        }
        ByteBuffer buffer = in.getPublishPacket().getPayload().orElse(ByteBuffer.allocate(0)).duplicate();
        byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        if (in.getPublishPacket().getQos() == Qos.AT_MOST_ONCE) {
            out.preventPublishDelivery();
            ingest.take(payload, device, NONE); // nothing to acknowledge
            return;
        }
        String clientId = in.getClientInformation().getClientId();
        Held held = new Held(new CompletableFuture<>(), new CompletableFuture<>(), System.currentTimeMillis(),
                new AtomicInteger(WAITING));
        long id = ids.incrementAndGet();
        waiting.put(id, held);
        held.result().whenComplete((result, e) -> waiting.remove(id));
        if (ownConnection || in.getPublishPacket().getQos() == Qos.EXACTLY_ONCE) { // QoS 2 answers with PUBREC
            Async<PublishInboundOutput> async = out.async(timeout, TimeoutFallback.FAILURE,
                    AckReasonCode.UNSPECIFIED_ERROR, "not committed in time; publish again");
            held.result().whenComplete((result, e) -> {
                if (result != Result.QUEUED) {
                    async.getOutput().preventPublishDelivery(AckReasonCode.SUCCESS);
                } // QUEUED: the broker delivers it to the gateway's session, then sends its PUBACK
                release(clientId, result != Result.FAILED, async::resume);
            });
        } else {
            out.preventPublishDelivery(AckReasonCode.SUCCESS);
            heldAcks.put(key(clientId, in.getPublishPacket().getPacketId()), held);
            held.result().whenComplete((result, e) -> {
                if (result == Result.QUEUED) {
                    try {
                        Services.publishService().publish(Builders.publish().topic(topic).qos(Qos.AT_LEAST_ONCE)
                                .payload(ByteBuffer.wrap(payload)).build())
                                .whenComplete((r, error) -> held.ackable().complete(error == null));
                    } catch (RuntimeException error) {
                        LOG.warn("cannot queue a packet the gateway did not commit in time: {}", error.toString());
                        held.ackable().complete(false);
                    }
                } else {
                    held.ackable().complete(result == Result.COMMITTED);
                }
            });
        }
        ingest.take(payload, device, new Outcome() {
            @Override
            public void committed() {
                lastProgress = System.currentTimeMillis();
                held.result().complete(Result.COMMITTED);
            }

            @Override
            public void failed() {
                lastProgress = System.currentTimeMillis();
                held.result().complete(Result.FAILED);
            }

            @Override
            public boolean claim() {
                return held.owner().compareAndSet(WAITING, CLAIMED) || held.owner().get() == CLAIMED;
            }
        });
    }

    @Override
    public void onOutboundPuback(PubackOutboundInput in, PubackOutboundOutput out) {
        String clientId = in.getClientInformation().getClientId();
        Held held = heldAcks.remove(key(clientId, in.getPubackPacket().getPacketIdentifier()));
        if (held == null || Boolean.TRUE.equals(held.ackable().getNow(null))) {
            return; // not ours, or already committed
        }
        Async<PubackOutboundOutput> async = out.async(timeout);
        held.ackable().whenComplete((ok, error) -> release(clientId, Boolean.TRUE.equals(ok), async::resume));
    }

    /**
     * Gives packets the gateway is not committing (closed, or nothing settled for the stall time) to the broker's queue, and
     * forgets held PUBACKs the broker never wrote (the client gone first) after a minute.
     */
    private void sweep() {
        long now = System.currentTimeMillis();
        heldAcks.values().removeIf(held -> held.result().isDone() && held.since() < now - 60_000);
        long stalledBefore = stalledBefore(open.getAsBoolean(), now, commitSince.getAsLong(), lastProgress, stallMs);
        for (Held held : waiting.values()) {
            if (held.since() < stalledBefore && held.owner().compareAndSet(WAITING, QUEUED)
                    && held.result().complete(Result.QUEUED)) {
                queued.incrementAndGet();
                lastStall = now; // and the next packets go the broker's way for a while
            }
        }
        if (lastStall == now && now - lastWarning > 30_000) {
            lastWarning = now;
            LOG.warn("the gateway is not committing (database away?): {} packets so far went to the broker's queue for"
                    + " the gateway's session after waiting {} ms, and got their PUBACK from there", queued.get(), stallMs);
        }
    }

    /**
     * Packets that arrived before this time are given over to the broker's queue: all of them while the gateway is
     * closed (its last commit failed); those that waited the stall time while a commit has run longer than that (a
     * database that does not answer); those that waited ten times the stall time while nothing at all was settled;
     * none while commits go through, however busy or slow to warm up the gateway's CPU is.
     */
    static long stalledBefore(boolean open, long now, long commitSince, long lastProgress, long stallMs) {
        if (!open) {
            return Long.MAX_VALUE;
        }
        if (commitSince != 0 && now - commitSince > stallMs) {
            return now - stallMs;
        }
        return now - lastProgress > 10 * stallMs ? now - 10 * stallMs : Long.MIN_VALUE;
    }

    /** Lets the PUBACK go; for a packet that was not committed, only after its connection is closed. */
    private static void release(String clientId, boolean ok, Runnable resume) {
        if (ok) {
            resume.run();
        } else {
            // Close the connection first, so the PUBACK cannot leave: the device keeps the packet and resends it.
            Services.clientService().disconnectClient(clientId).whenComplete((r, e) -> resume.run());
        }
    }

    private static String key(String clientId, int packetId) {
        return packetId + "\u0000" + clientId;
    }
}
