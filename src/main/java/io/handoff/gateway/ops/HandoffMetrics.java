package io.handoff.gateway.ops;

import org.apache.camel.Exchange;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.handoff.gateway.api.ProblemAnswered;
import io.handoff.gateway.conversation.Handoff;
import io.handoff.gateway.conversation.HandoffStarted;
import io.handoff.gateway.routing.Destination;
import io.handoff.gateway.routing.Destinations;

/**
 * The handoff counters: started, failed, refused because nobody was online. Micrometer counters, so
 * they are scraped at {@code /actuator/prometheus} ({@code handoff_handoffs_*_total}) and read by the
 * {@code handoff:type=Handoffs} MBean from the same registry.
 */
@Component("handoffMetrics")
public class HandoffMetrics {

    static final String STARTED = "handoff.handoffs.started";
    static final String FAILED = "handoff.handoffs.failed";
    static final String REFUSED_OFFLINE = "handoff.handoffs.refused.offline";

    private final MeterRegistry registry;

    public HandoffMetrics(MeterRegistry registry, Destinations destinations) {
        this.registry = registry;
        // every destination's series exists from the start, so rates and alerts see a 0 before the first 1
        destinations.all().forEach(d -> {
            started(d.provider(), d.name());
            refusedOffline(d.provider(), d.name());
        });
    }

    /** The provider opened (or resumed) the chat. */
    @EventListener
    public void handoffStarted(HandoffStarted started) {
        started(started.destination().provider(), started.destination().name()).increment();
    }

    /**
     * A bot request ended in a problem answer ({@code type} {@code urn:handoff:problem:<slug>}). Only
     * handoffs count (the exchange carries a handoff): {@code no-operators-online} is a refusal, any 5xx
     * a failure; other 4xx are the bot's mistakes.
     */
    @EventListener
    public void problemAnswered(ProblemAnswered answered) {
        Exchange exchange = answered.exchange();
        int status = answered.status();
        String slug = answered.slug();
        Handoff handoff = exchange.getProperty(Handoff.PROPERTY, Handoff.class);
        if (handoff == null) {
            return;
        }
        Destination destination = handoff.destination();
        String provider = destination == null ? "none" : destination.provider();
        String name = destination == null ? "none" : destination.name();
        if ("no-operators-online".equals(slug)) {
            refusedOffline(provider, name).increment();
        } else if (status >= 500) {
            Counter.builder(FAILED).description("Handoffs that failed (5xx answers)")
                    .tag("provider", provider).tag("destination", name).tag("reason", slug)
                    .register(registry).increment();
        }
    }

    private Counter started(String provider, String destination) {
        return Counter.builder(STARTED).description("Handoffs the provider accepted")
                .tag("provider", provider).tag("destination", destination).register(registry);
    }

    private Counter refusedOffline(String provider, String destination) {
        return Counter.builder(REFUSED_OFFLINE).description("Handoffs refused because no operator was online")
                .tag("provider", provider).tag("destination", destination).register(registry);
    }

    public long started() {
        return total(STARTED);
    }

    public long failed() {
        return total(FAILED);
    }

    public long refusedOffline() {
        return total(REFUSED_OFFLINE);
    }

    private long total(String name) {
        return (long) registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
