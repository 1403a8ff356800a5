package io.handoff.gateway.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.handoff.gateway.conversation.ConversationState;
import io.handoff.gateway.conversation.ConversationStatistics;
import io.handoff.gateway.provider.TokenCache;
import io.handoff.gateway.routing.Destination;
import io.handoff.gateway.routing.Destinations;

/**
 * The gateway's state as Micrometer meters, next to Camel's route metrics at {@code /actuator/prometheus}:
 * conversations by state and provider, events pending delivery, the providers' token cache counters.
 * The same numbers the {@code handoff:type=...} MBeans show.
 */
@Component
public class GatewayMeters {

    /** Several scrapers (and the gauges of one scrape) share one set of store queries. */
    static final Duration STORE_SNAPSHOT_TTL = Duration.ofSeconds(2);

    private final ConversationStatistics statistics;
    private final Clock clock;
    private volatile Map<ConversationState, Map<String, Long>> conversations;
    private volatile long conversationsReadAt;

    public GatewayMeters(MeterRegistry registry, ConversationStatistics statistics, Destinations destinations,
                         List<TokenCache> tokenCaches, Clock clock) {
        this.statistics = statistics;
        this.clock = clock;

        // one gauge per state and configured provider: a fixed, small set of series
        Set<String> providers = new LinkedHashSet<>();
        destinations.all().stream().map(Destination::provider).forEach(providers::add);
        providers.add(ConversationStatistics.NO_PROVIDER);
        for (ConversationState state : ConversationState.values()) {
            for (String provider : providers) {
                Gauge.builder("handoff.conversations", this, m -> m.conversations(state, provider))
                        .description("Conversations by state and provider")
                        .tag("state", state.name()).tag("provider", provider)
                        .register(registry);
            }
        }

        Gauge.builder("handoff.events.pending", statistics, ConversationStatistics::pendingEvents)
                .description("Events stored for the bot and not delivered yet")
                .register(registry);
        Gauge.builder("handoff.events.pending.oldest.age", statistics, s -> s.oldestPendingAge().toMillis() / 1000.0)
                .description("How long the oldest undelivered event has waited")
                .baseUnit("seconds")
                .register(registry);

        for (TokenCache tokens : tokenCaches) {
            tokenCounter(registry, "handoff.tokens.cache.hits", "Customer tokens served from the cache",
                    tokens, TokenCache::cacheHits);
            tokenCounter(registry, "handoff.tokens.grants", "Customer tokens granted by the provider",
                    tokens, TokenCache::customerGrants);
            tokenCounter(registry, "handoff.tokens.refreshes", "Agent tokens refreshed",
                    tokens, TokenCache::agentRefreshes);
            tokenCounter(registry, "handoff.tokens.authentication.failures", "Calls the provider refused as authentication",
                    tokens, TokenCache::authenticationFailures);
        }
    }

    private static void tokenCounter(MeterRegistry registry, String name, String description, TokenCache tokens,
                                     ToLongFunction<TokenCache> count) {
        FunctionCounter.builder(name, tokens, t -> count.applyAsLong(t))
                .description(description)
                .tag("provider", tokens.provider())
                .register(registry);
    }

    private double conversations(ConversationState state, String provider) {
        long now = clock.millis();
        Map<ConversationState, Map<String, Long>> snapshot = conversations;
        if (snapshot == null || now - conversationsReadAt > STORE_SNAPSHOT_TTL.toMillis()) {
            snapshot = statistics.byStateAndProvider();
            conversations = snapshot;
            conversationsReadAt = now;
        }
        return snapshot.get(state).getOrDefault(provider, 0L);
    }
}
