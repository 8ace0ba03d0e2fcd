package io.vigil.processors;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure policy of timer-driven routes (batch sealing, forwarding, ledger drain, model saves): the timer is the
 * retry, so a failed tick is handled and the next one tries again. Logged once per route per 30 s with how many ticks
 * failed meanwhile, so a database outage of minutes is a few lines, not thousands of stack traces.
 */
public class TickFailures {

    private static final Logger LOG = LoggerFactory.getLogger(TickFailures.class);
    private static final long QUIET_MS = 30_000;

    private record Seen(long loggedAt, int suppressed) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    public void failed(String routeId, Exception failure, long now) {
        Seen last = seen.get(routeId);
        if (last != null && now - last.loggedAt() < QUIET_MS) {
            seen.put(routeId, new Seen(last.loggedAt(), last.suppressed() + 1));
            return;
        }
        int before = last == null ? 0 : last.suppressed();
        seen.put(routeId, new Seen(now, 0));
        String cause = failure == null ? "unknown" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        LOG.warn("{}: a tick failed ({}); the next tick tries again{}", routeId, cause,
                before > 0 ? " (" + before + " more failed ticks in the last 30 s)" : "");
    }
}
