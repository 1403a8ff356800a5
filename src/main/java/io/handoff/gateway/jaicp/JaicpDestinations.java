package io.handoff.gateway.jaicp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.routing.Destination;

/**
 * {@code getDestinations} for a JAICP channel: its destinations with {@code hasOnline} from the
 * providers, asked without spending tokens: LiveChat's get_dynamic_configuration (online_group_ids,
 * needs handoff.livechat.license-id; without it LiveChat destinations report true and the switch
 * finds out) and LiveTex's getDestinations (has_online). A provider that cannot be asked reports false.
 */
@Component("jaicpDestinations")
public class JaicpDestinations {

    private final JaicpChannels channels;
    private final boolean liveChatAskable;

    public JaicpDestinations(JaicpChannels channels, HandoffProperties properties) {
        this.channels = channels;
        String licenseId = properties.livechat().licenseId();
        this.liveChatAskable = licenseId != null && !licenseId.isBlank();
    }

    public boolean asksLiveChat(Exchange exchange) {
        return liveChatAskable && uses(exchange, "livechat");
    }

    public boolean asksLiveTex(Exchange exchange) {
        return uses(exchange, "livetex");
    }

    /** Keeps LiveChat's online group ids (property livechatOnlineGroups). */
    public void liveChatAnswered(Exchange exchange) {
        exchange.setProperty("livechatOnlineGroups", liveChatOnlineGroups(exchange.getMessage().getBody(Map.class)));
    }

    /** The online group ids of a get_dynamic_configuration answer, as strings; none when it has none. */
    static List<String> liveChatOnlineGroups(Map<?, ?> answer) {
        Object livechat = answer.get("livechat");
        Object online = livechat instanceof Map<?, ?> m ? m.get("online_group_ids") : null;
        return online instanceof List<?> ids ? ids.stream().map(String::valueOf).toList() : List.of();
    }

    /** Keeps LiveTex's departments that have someone online (property livetexOnlineDepartments). */
    public void liveTexAnswered(Exchange exchange) {
        exchange.setProperty("livetexOnlineDepartments", liveTexOnlineDepartments(exchange.getMessage().getBody(Map.class)));
    }

    /** The departments of a LiveTex getDestinations answer that have someone online. */
    static List<String> liveTexOnlineDepartments(Map<?, ?> answer) {
        Object listed = answer.get("destinations");
        return listed instanceof List<?> destinations
                ? destinations.stream().filter(d -> d instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("has_online")))
                .map(d -> String.valueOf(((Map<?, ?>) d).get("destination_id"))).toList() : List.of();
    }

    /** {@code {destinations: [{destinationId, name, hasOnline}]}}: the camelCase mirror of LiveTex's answer. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> answer(Exchange exchange) {
        List<String> liveChatOnline = exchange.getProperty("livechatOnlineGroups", List.class);
        List<String> liveTexOnline = exchange.getProperty("livetexOnlineDepartments", List.class);
        List<Map<String, Object>> list = channels.destinationsOf(exchange.getProperty("jaicpChannel", String.class)).stream()
                .map(d -> {
                    Map<String, Object> destination = new LinkedHashMap<>();
                    destination.put("destinationId", d.name());
                    destination.put("name", d.description() != null ? d.description() : d.name());
                    destination.put("hasOnline", hasOnline(d, liveChatAskable, liveChatOnline, liveTexOnline));
                    return destination;
                }).toList();
        return Map.of("destinations", list);
    }

    /** Whether a destination has someone online, from what the providers answered (null: not asked). */
    static boolean hasOnline(Destination d, boolean liveChatAskable, List<String> liveChatOnline, List<String> liveTexOnline) {
        return switch (d.provider()) {
            case "livechat" -> !liveChatAskable || (liveChatOnline != null && d.groupIds().stream().anyMatch(liveChatOnline::contains));
            case "livetex" -> liveTexOnline != null && d.groupIds().stream().anyMatch(liveTexOnline::contains);
            default -> false;
        };
    }

    private boolean uses(Exchange exchange, String provider) {
        return channels.destinationsOf(exchange.getProperty("jaicpChannel", String.class)).stream()
                .anyMatch(d -> provider.equals(d.provider()));
    }
}
