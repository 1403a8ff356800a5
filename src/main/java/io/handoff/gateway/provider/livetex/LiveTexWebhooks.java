package io.handoff.gateway.provider.livetex;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.conversation.Conversation;
import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.conversation.OperatorEvent;
import io.handoff.gateway.conversation.OperatorWebhook;
import io.handoff.gateway.conversation.OperatorEvent.Kind;
import io.handoff.gateway.conversation.ProviderAccounts;
import io.handoff.gateway.provider.WebhookBodies;
import io.handoff.gateway.provider.WebhookRejectedException;
import io.handoff.gateway.routing.Destinations;

/**
 * LiveTex webhooks (reference §2.3): {@code webhook_key} compared in constant time, then mapped to an
 * {@link OperatorEvent}: TextMessage, FileMessage, Closed, HoldMessage (an operator-side message with no
 * operator). SelectDestination asks the gateway to choose the group again ({@link OperatorWebhook.Reselect});
 * MessageDelivered is only logged.
 */
@Component("livetexWebhooks")
public class LiveTexWebhooks {

    private static final Logger log = LoggerFactory.getLogger(LiveTexWebhooks.class);

    private final byte[] key;
    private final ProviderAccounts accounts;
    private final ConversationStore conversations;
    private final Destinations destinations;
    private final ObjectMapper json;

    public LiveTexWebhooks(LiveTexProperties properties, ProviderAccounts accounts, ConversationStore conversations,
                           Destinations destinations, ObjectMapper json) {
        String configured = properties.webhookKey();
        this.key = configured == null || configured.isBlank() ? null : configured.getBytes(StandardCharsets.UTF_8);
        this.accounts = accounts;
        this.conversations = conversations;
        this.destinations = destinations;
        this.json = json;
    }

    /**
     * Verifies {@code webhook_key} and maps the webhook to what it asks of the gateway (the webhook flow's
     * context): an operator event to store, or to select a destination again, or nothing.
     */
    public OperatorWebhook accept(String body) {
        JsonNode webhook = WebhookBodies.readObject(json, "livetex", body);
        if (!webhook.path("type").isTextual()) {
            throw WebhookRejectedException.malformed("livetex", "Not a LiveTex webhook: type is required");
        }
        byte[] presented = webhook.path("webhook_key").asText("").getBytes(StandardCharsets.UTF_8);
        if (key == null || !MessageDigest.isEqual(key, presented)) {
            log.warn("LiveTex webhook {} refused: wrong webhook_key", webhook.path("type").asText());
            throw WebhookRejectedException.wrongSecret("livetex", "Wrong webhook_key");
        }
        String userId = webhook.path("user_id").asText(null);
        Optional<String> conversationId = userId == null ? Optional.empty()
                : accounts.conversationOfChat(LiveTexPayloads.PROVIDER, userId);
        if (conversationId.isEmpty()) {
            log.info("LiveTex webhook {} for unknown user: ignored", webhook.path("type").asText());
            return OperatorWebhook.NOTHING;
        }
        String type = webhook.path("type").asText();
        if (type.equals("SelectDestination")) {
            return OperatorWebhook.reselecting(reselect(conversationId.get()));
        }
        return toOperatorEvent(conversationId.get(), type, webhook).map(OperatorWebhook::of).orElse(OperatorWebhook.NOTHING);
    }

    static Optional<OperatorEvent> toOperatorEvent(String conversationId, String type, JsonNode webhook) {
        String id = webhook.path("id").asText(null);
        JsonNode employee = webhook.path("employee");
        String employeeId = employee.path("employee_id").asText(null);
        Map<String, Object> fields = new LinkedHashMap<>();
        switch (type) {
            case "TextMessage" -> {
                if ("User".equals(webhook.path("from").asText())) {
                    return Optional.empty(); // the client's own words
                }
                fields.put("text", webhook.path("text").asText(""));
                return Optional.of(event(conversationId, Kind.MESSAGE, id, employeeId, name(employee), fields));
            }
            case "FileMessage" -> {
                if ("User".equals(webhook.path("from").asText())) {
                    return Optional.empty();
                }
                fields.put("url", webhook.path("url").asText());
                if (webhook.hasNonNull("name")) {
                    fields.put("name", webhook.path("name").asText());
                }
                if (webhook.path("size").isNumber()) {
                    fields.put("size", webhook.path("size").asLong());
                }
                return Optional.of(event(conversationId, Kind.FILE, id, employeeId, name(employee), fields));
            }
            case "HoldMessage" -> {
                fields.put("text", webhook.path("text").asText(""));
                fields.put("hold", true); // from the cabinet's hold scenario, not from a person
                return Optional.of(event(conversationId, Kind.MESSAGE, id, null, null, fields));
            }
            case "Closed" -> {
                fields.put("reason", "operatorClosed");
                return Optional.of(event(conversationId, Kind.FINISHED, id, employeeId, name(employee), fields));
            }
            case "MessageDelivered" -> {
                log.info("conversation={} LiveTex delivered message {}", conversationId, webhook.path("message_id").asText());
                return Optional.empty();
            }
            default -> {
                log.info("conversation={} LiveTex webhook {} ignored", conversationId, type);
                return Optional.empty();
            }
        }
    }

    /** Only a conversation still in its handoff is placed again, in its own destination's department. */
    private OperatorWebhook.Reselect reselect(String conversationId) {
        return conversations.find(conversationId).filter(c -> c.inHandoff())
                .flatMap(conversation -> destinations.find(conversation.destination()).map(destination -> {
                    log.info("conversation={} LiveTex asks for a destination: selecting {} again", conversationId, destination.name());
                    return new OperatorWebhook.Reselect(conversationId, conversation, destination.groupIds().get(0));
                })).orElse(null);
    }

    private static OperatorEvent event(String conversationId, Kind kind, String id, String employeeId, String name,
                                       Map<String, Object> fields) {
        return new OperatorEvent(LiveTexPayloads.PROVIDER, conversationId, kind, id, null, employeeId, name, fields);
    }

    private static String name(JsonNode employee) {
        String first = employee.path("first_name").asText("");
        String last = employee.path("last_name").asText("");
        String name = (first + " " + last).trim();
        return name.isEmpty() ? null : name;
    }
}
