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
 * per action, and the gateway restarts more often than that.
 */
@Component("livechatWebhookRegistration")
public class LiveChatWebhookRegistration {

    static final List<String> ACTIONS = List.of("incoming_event", "user_added_to_chat", "chat_deactivated", "chat_transferred");

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

    /** {@code register_webhook} bodies for the actions that have no webhook to our URL yet. */
    public List<Map<String, Object>> missing(Exchange exchange) {
        List<?> existing = exchange.getMessage().getBody(List.class);
        String url = webhookUrl();
        List<Map<String, Object>> missing = new ArrayList<>();
        for (String action : ACTIONS) {
            boolean registered = existing != null && existing.stream().anyMatch(w -> w instanceof Map<?, ?> m
                    && action.equals(m.get("action")) && url.equals(m.get("url")));
            if (!registered) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("action", action);
                body.put("secret_key", config.webhookSecret());
                body.put("url", url);
                body.put("owner_client_id", config.clientId());
                body.put("type", "license");
                body.put("description", "handoff-gateway relay");
                if (action.equals("incoming_event")) {
                    body.put("filters", Map.of("author_type", "agent")); // the customer's own events are ours
                }
                missing.add(body);
            }
        }
        return missing;
    }
}
