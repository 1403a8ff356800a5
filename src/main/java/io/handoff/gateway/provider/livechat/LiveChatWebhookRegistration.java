package io.handoff.gateway.provider.livechat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;


/**
 * The license webhooks the relay needs, registered through the Configuration API at start-up when
 * {@code handoff.livechat.public-url} is set (off by default: most installations add them once in the
 * Developer Console). Only the ones not registered yet for this URL are added: LiveChat allows three
 * per action, and the gateway restarts more often than that. Each asks for {@code chat_presence_user_ids}
 * (the chat's users, the customer among them): a first chat's webhook that comes before {@code start_chat}'s
 * answer is known by its customer (LiveChatWebhooks). One registered without it by an earlier version is
 * replaced: the new one is added, then the old one removed.
 */
@Component("livechatWebhookRegistration")
public class LiveChatWebhookRegistration {

    static final List<String> ACTIONS = List.of("incoming_event", "user_added_to_chat", "chat_deactivated", "chat_transferred");
    static final String CHAT_PRESENCE = "chat_presence_user_ids";

    private final LiveChatProperties config;

    public LiveChatWebhookRegistration(LiveChatProperties properties) {
        this.config = properties;
    }

    public boolean enabled() {
        return config.publicUrl() != null && !config.publicUrl().isBlank();
    }

    public String webhookUrl() {
        return config.publicUrl().replaceAll("/+$", "") + "/webhooks/livechat";
    }

    public Map<String, Object> listRequest() {
        return Map.of("owner_client_id", config.clientId());
    }

    /** {@code register_webhook} bodies for the actions that have no webhook to our URL yet (with the chat's users). */
    public List<Map<String, Object>> missing(Exchange exchange) {
        List<?> existing = exchange.getMessage().getBody(List.class);
        List<Map<String, Object>> missing = new ArrayList<>();
        for (String action : ACTIONS) {
            boolean registered = existing != null && existing.stream()
                    .anyMatch(w -> ours(w, action) && bringsChatUsers((Map<?, ?>) w));
            if (!registered) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("action", action);
                body.put("secret_key", config.webhookSecret());
                body.put("url", webhookUrl());
                body.put("owner_client_id", config.clientId());
                body.put("type", "license");
                body.put("additional_data", List.of(CHAT_PRESENCE));
                body.put("description", "handoff-gateway relay");
                if (action.equals("incoming_event")) {
                    body.put("filters", Map.of("author_type", "agent")); // the customer's own events are ours
                }
                missing.add(body);
            }
        }
        return missing;
    }

    /** {@code unregister_webhook} bodies for our URL's webhooks registered without the chat's users (replaced by then). */
    public List<Map<String, Object>> outdated(Exchange exchange) {
        List<?> existing = exchange.getMessage().getBody(List.class);
        List<Map<String, Object>> outdated = new ArrayList<>();
        if (existing == null) {
            return outdated;
        }
        for (Object webhook : existing) {
            if (ACTIONS.stream().anyMatch(action -> ours(webhook, action)) && !bringsChatUsers((Map<?, ?>) webhook)
                    && ((Map<?, ?>) webhook).get("id") instanceof String id) {
                outdated.add(Map.of("id", id, "owner_client_id", config.clientId()));
            }
        }
        return outdated;
    }

    private boolean ours(Object webhook, String action) {
        return webhook instanceof Map<?, ?> m && action.equals(m.get("action")) && webhookUrl().equals(m.get("url"));
    }

    private static boolean bringsChatUsers(Map<?, ?> webhook) {
        return webhook.get("additional_data") instanceof List<?> data && data.contains(CHAT_PRESENCE);
    }
}
