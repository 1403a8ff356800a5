package io.handoff.gateway;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** Everything under {@code handoff.*}; the names are the public contract (shared/spec/gateway-api.md §2). */
@ConfigurationProperties("handoff")
public record HandoffProperties(
        @DefaultValue Api api,
        Map<String, Destination> destinations,
        String defaultDestination,
        /* providers a destination may name before this gateway is built with them: such destinations answer 501 */
        List<String> plannedProviders,
        @DefaultValue Callback callback,
        @DefaultValue Relay relay,
        @DefaultValue Delivery delivery,
        @DefaultValue Retry retry,
        @DefaultValue Transcript transcript,
        @DefaultValue Jaicp jaicp) {

    public HandoffProperties {
        destinations = destinations == null ? Map.of() : new LinkedHashMap<>(destinations);
        plannedProviders = plannedProviders == null ? List.of() : List.copyOf(plannedProviders);
    }

    /**
     * Bot-facing API: accepted Bearer keys, the body limit (every path; {@code maxBodyExemptPaths} keep their
     * own, e.g. the sandbox's upload_file), the optional per-key rate limit, and how many waiting pulls
     * ({@code GET .../events?wait=S}) one instance keeps open at a time (beyond it 503).
     */
    public record Api(
            List<String> keys,
            @DefaultValue("1MB") DataSize maxBodyBytes,
            List<String> maxBodyExemptPaths,
            @DefaultValue RateLimit rateLimit,
            @DefaultValue("1000") int maxLongPolls,
            @DefaultValue({"/api/v1/conversations/{id}/messages", "/api/v1/conversations/{id}/close",
                    "/api/v1/conversations/{id}", "/api/v1/conversations/{id}/events"}) List<String> serverThreadPaths) {
        public Api {
            keys = keys == null ? List.of() : List.copyOf(keys);
            serverThreadPaths = serverThreadPaths == null ? List.of() : List.copyOf(serverThreadPaths);
            maxBodyExemptPaths = maxBodyExemptPaths == null ? List.of() : List.copyOf(maxBodyExemptPaths);
        }
    }

    /** At most {@code limit} bot API calls per {@code period} for each key; 0 = no limit. */
    public record RateLimit(@DefaultValue("0") int limit, @DefaultValue("1s") Duration period) {
    }

    /** One row of the content-based router's table. */
    public record Destination(String provider, String description, List<String> groupIds) {
        public Destination {
            groupIds = groupIds == null ? List.of() : List.copyOf(groupIds);
        }
    }

    /**
     * Where bot events are pushed, how they are signed, and how a failing callback is retried: each
     * conversation's events wait for its oldest one, with exponential backoff up to {@code maxBackoff}.
     */
    public record Callback(
            String url,
            String secret,
            @DefaultValue("1s") Duration initialBackoff,
            @DefaultValue("5m") Duration maxBackoff,
            @DefaultValue("4") int parallelism,
            @DefaultValue("1s") Duration pollInterval) {
    }

    /**
     * The client-message queue (gateway-api.md §9): each conversation's messages and close go to its
     * provider in acceptance order, {@code parallelism} conversations at a time; a transient failure is
     * retried after {@code initialBackoff}, doubled per attempt up to {@code maxBackoff}, for at most
     * {@code giveUpAfter} after acceptance; {@code pollInterval} is how often due retries (and other
     * instances' work) are looked for.
     */
    public record Relay(
            @DefaultValue("24h") Duration giveUpAfter,
            @DefaultValue("1s") Duration initialBackoff,
            @DefaultValue("5m") Duration maxBackoff,
            @DefaultValue("32") int parallelism,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("10MB") DataSize maxFileSize,
            @DefaultValue("1000") int maxPendingPerConversation) {
    }

    /**
     * Several instances (gateway-api.md §8): an instance working on a conversation's queue (client messages
     * to the provider, events to the bot) owns it for {@code lease}, renewed while it works; the work of an
     * instance that dies is taken over when its lease runs out.
     */
    public record Delivery(@DefaultValue("30s") Duration lease) {
    }

    /** JAICP "Operator API" channels: JAICP calls the gateway as its operator platform. */
    public record Jaicp(Map<String, Channel> channels) {
        public Jaicp {
            channels = channels == null ? Map.of() : new LinkedHashMap<>(channels);
        }

        /**
         * One channel: {@code key} is the {channelKey} in the URL JAICP calls; {@code destinations} limits
         * which destinations it may use (empty = all); {@code refuseOffline} makes selectDestination refuse (409)
         * when nobody is online instead of opening the chat anyway.
         */
        public record Channel(String key, List<String> destinations, boolean refuseOffline) {
            public Channel {
                destinations = destinations == null ? List.of() : List.copyOf(destinations);
            }
        }
    }

    /** What the operator sees of the bot's conversation when the chat opens. */
    public record Transcript(
            /* prefix of bot lines: the platforms show every line of the transcript as the client's */
            @DefaultValue("Bot: ") String botLinePrefix) {
    }

    /** Backoff for provider calls: transient failures are retried, then reported as 502/503. */
    public record Retry(
            @DefaultValue("3") int maxRedeliveries,
            @DefaultValue("200ms") Duration initialDelay,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("5s") Duration maxDelay) {
    }
}
