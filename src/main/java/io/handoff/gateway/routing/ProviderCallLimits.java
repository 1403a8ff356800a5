package io.handoff.gateway.routing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.handoff.gateway.api.ProblemException;

/**
 * A bulkhead per provider for the calls a caller waits for: handoffs, and JAICP's availability asks. They run
 * on the request pool, and a provider that hangs holds each of them for its retries' response timeouts, about a
 * minute; without a bound, a steady stream of handoffs to that one provider would take every thread of the pool,
 * and the other providers' handoffs, the webhooks and the doors would get {@code 503 gateway-busy}. So each
 * provider has at most {@code handoff.provider-calls.max-in-flight} such calls in progress on this instance; one
 * more is refused at once with {@code 503 provider-busy}, before anything is done. (Client messages and pushes
 * do not come here: they have their own workers per provider and per target.)
 * <p>
 * A slot is taken by the provider dispatch and given back when the exchange that took it completes, answered or
 * failed (a handoff calls one provider), or before, by {@link #leave}, when the caller goes on to another provider.
 * An exchange holds one slot of a provider however often it calls it.
 */
@Component("providerCallLimits")
public class ProviderCallLimits {

    private static final Logger log = LoggerFactory.getLogger(ProviderCallLimits.class);

    /** Exchange property prefix: the slot of the provider the exchange holds. */
    private static final String HOLDER = "handoffProviderSlot.";

    private final int maxInFlight;
    private final ConcurrentMap<String, Semaphore> slots = new ConcurrentHashMap<>();

    public ProviderCallLimits(@Value("${handoff.provider-calls.max-in-flight}") int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalStateException("handoff.provider-calls.max-in-flight must be at least 1, not " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
    }

    /** Takes one of the provider's slots for the exchange until it completes, or refuses with 503 provider-busy. */
    public void enter(Exchange exchange, String provider) {
        Slot held = exchange.getProperty(HOLDER + provider, Slot.class);
        if (held != null && held.isHeldBy(exchange)) {
            return; // this exchange holds one already
        }
        Semaphore free = slots.computeIfAbsent(provider, p -> new Semaphore(maxInFlight));
        if (!free.tryAcquire()) {
            log.warn("provider={} refused a call with 503 provider-busy: {} calls to it are in progress "
                    + "(handoff.provider-calls.max-in-flight); it is slow or not answering", provider, maxInFlight);
            throw ProblemException.providerBusy(provider, maxInFlight);
        }
        Slot slot = new Slot(exchange.getExchangeId(), free);
        exchange.setProperty(HOLDER + provider, slot);
        exchange.getExchangeExtension().addOnCompletion(slot);
    }

    /**
     * Gives the exchange's slot of the provider back now, answered or failed: for a caller that goes on to ask
     * another provider (JAICP's getDestinations), which must not hold this one's slot while it waits there.
     */
    public void leave(Exchange exchange, String provider) {
        Slot held = exchange.getProperty(HOLDER + provider, Slot.class);
        if (held != null && held.isHeldBy(exchange)) {
            exchange.removeProperty(HOLDER + provider);
            held.release();
        }
    }

    /** One slot taken: given back once, by {@link #leave} or as the exchange completes, whichever is first. */
    private static final class Slot extends SynchronizationAdapter {

        private final String holder;
        private final Semaphore free;
        private final AtomicBoolean held = new AtomicBoolean(true);

        Slot(String holder, Semaphore free) {
            this.holder = holder;
            this.free = free;
        }

        /** A copy of the exchange (an enrich's) carries the property too, but it is another caller. */
        boolean isHeldBy(Exchange exchange) {
            return held.get() && holder.equals(exchange.getExchangeId());
        }

        void release() {
            if (held.compareAndSet(true, false)) {
                free.release();
            }
        }

        @Override
        public void onDone(Exchange done) {
            release();
        }
    }

    /** Calls in progress per provider (each provider called since the start), for operations. */
    public Map<String, Integer> inFlightByProvider() {
        Map<String, Integer> inFlight = new TreeMap<>();
        slots.forEach((provider, free) -> inFlight.put(provider, maxInFlight - free.availablePermits()));
        return inFlight;
    }
}
