package io.handoff.gateway.ops;

import java.util.Map;
import java.util.TreeMap;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.handoff.gateway.api.ProblemAnswered;
import io.handoff.gateway.provider.WebhookRejectedException;
import io.handoff.gateway.routing.Destination;
import io.handoff.gateway.routing.Destinations;

/**
 * Provider webhooks refused for a wrong secret or a malformed body ({@code handoff_webhooks_rejected_total}).
 * Counted from the problem answers: a {@link WebhookRejectedException} names its provider.
 */
@Component("webhookRejections")
public class WebhookRejections {

    static final String REJECTED = "handoff.webhooks.rejected";

    private final MeterRegistry registry;

    public WebhookRejections(MeterRegistry registry, Destinations destinations) {
        this.registry = registry;
        // each used provider's series exists from the start, so rates and alerts see a 0 before the first 1
        destinations.all().stream().map(Destination::provider).distinct().forEach(this::counter);
    }

    @EventListener
    public void problemAnswered(ProblemAnswered answered) {
        if (answered.cause() instanceof WebhookRejectedException rejected) {
            increment(rejected.provider());
        }
    }

    public void increment(String provider) {
        counter(provider).increment();
    }

    private Counter counter(String provider) {
        return Counter.builder(REJECTED).description("Provider webhooks refused (wrong secret, malformed body)")
                .tag("provider", provider).register(registry);
    }

    public long total() {
        return (long) registry.find(REJECTED).counters().stream().mapToDouble(Counter::count).sum();
    }

    public Map<String, Long> byProvider() {
        Map<String, Long> counts = new TreeMap<>();
        registry.find(REJECTED).counters().forEach(c -> counts.merge(c.getId().getTag("provider"), (long) c.count(), Long::sum));
        return counts;
    }
}
