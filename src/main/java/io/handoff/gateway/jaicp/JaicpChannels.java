package io.handoff.gateway.jaicp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.conversation.ChannelWebhooks;
import io.handoff.gateway.routing.Destination;
import io.handoff.gateway.routing.Destinations;

/**
 * The configured JAICP Operator API channels ({@code handoff.jaicp.channels}): which one a call is for
 * (its key in the URL, compared in constant time), what it may use, and where it wants operator events
 * (the URL of its setWebhook call, kept in the database). Conversations of a channel are
 * {@code jaicp:<channel>:<userId>}.
 */
@Component("jaicpChannels")
public class JaicpChannels {

    public static final String PREFIX = "jaicp:";
    private static final Logger log = LoggerFactory.getLogger(JaicpChannels.class);

    private final Map<String, HandoffProperties.Jaicp.Channel> channels;
    private final Destinations destinations;
    private final ChannelWebhooks webhooks;

    public JaicpChannels(HandoffProperties properties, Destinations destinations, ChannelWebhooks webhooks) {
        this.channels = properties.jaicp().channels();
        this.destinations = destinations;
        this.webhooks = webhooks;
        channels.forEach((name, channel) -> {
            if (channel.key() == null || channel.key().isBlank()) {
                throw new IllegalStateException("handoff.jaicp.channels." + name + ".key is not set");
            }
            channel.destinations().forEach(d -> destinations.find(d).orElseThrow(() -> new IllegalStateException(
                    "handoff.jaicp.channels." + name + ".destinations names unknown destination '" + d + "'")));
        });
    }

    /** The call of the channel whose key is the path's {channelKey}; an unknown key is 404. */
    public JaicpCall authorize(Exchange exchange) {
        byte[] presented = String.valueOf(exchange.getMessage().getHeader("channelKey")).getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, HandoffProperties.Jaicp.Channel> channel : channels.entrySet()) {
            if (MessageDigest.isEqual(channel.getValue().key().getBytes(StandardCharsets.UTF_8), presented)) {
                found = channel.getKey();
            }
        }
        if (found == null) {
            throw ProblemException.notFound("No JAICP channel has this key");
        }
        return JaicpCall.of(found);
    }

    /** The destinations the channel may use, in table order. */
    public List<Destination> destinationsOf(String channel) {
        List<String> allowed = channels.get(channel).destinations();
        return destinations.all().stream().filter(d -> allowed.isEmpty() || allowed.contains(d.name())).toList();
    }

    public boolean refusesOffline(String channel) {
        return channels.get(channel).refuseOffline();
    }

    public boolean any() {
        return !channels.isEmpty();
    }

    public void saveWebhook(String channel, String url) {
        webhooks.save(channel, url);
        log.info("JAICP channel {} webhook set", channel);
    }

    public Optional<String> webhookUrl(String channel) {
        return webhooks.find(channel);
    }

    public static String conversationId(String channel, String userId) {
        return PREFIX + channel + ":" + userId;
    }

    /** The channel of a JAICP conversation id, if it is one. */
    public static Optional<String> channelOf(String conversationId) {
        if (!conversationId.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int end = conversationId.indexOf(':', PREFIX.length());
        return end < 0 ? Optional.empty() : Optional.of(conversationId.substring(PREFIX.length(), end));
    }

    public static String userIdOf(String conversationId) {
        int end = conversationId.indexOf(':', PREFIX.length());
        return conversationId.substring(end + 1);
    }
}
