package io.handoff.gateway.provider.livechat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.conversation.OperatorEvent;
import io.handoff.gateway.conversation.OperatorWebhook;
import io.handoff.gateway.conversation.OperatorEvent.Kind;
import io.handoff.gateway.conversation.ProviderAccounts;
import io.handoff.gateway.provider.WebhookBodies;
import io.handoff.gateway.provider.WebhookRejectedException;
import io.handoff.gateway.provider.WebhookTooEarlyException;

/**
 * LiveChat license webhooks (reference §5.1): the envelope is checked ({@code secret_key}, compared in
 * constant time), then the payload is mapped to an {@link OperatorEvent}, or to nothing when it is not
 * for the bot: the customer's own events, agent-only events, system messages, unknown chats.
 */
@Component("livechatWebhooks")
public class LiveChatWebhooks {

    private static final Logger log = LoggerFactory.getLogger(LiveChatWebhooks.class);

    private final byte[] secret;
    private final ProviderAccounts accounts;
    private final ConversationStore conversations;
    private final ObjectMapper json;

    public LiveChatWebhooks(LiveChatProperties properties, ProviderAccounts accounts, ConversationStore conversations,
                            ObjectMapper json) {
        String configured = properties.webhookSecret();
        this.secret = configured == null || configured.isBlank() ? null : configured.getBytes(StandardCharsets.UTF_8);
        this.accounts = accounts;
        this.conversations = conversations;
        this.json = json;
        if (secret == null) {
            log.warn("handoff.livechat.webhook-secret is not set: every LiveChat webhook will be refused");
        }
    }

    /** Verifies the envelope; the webhook flow's context: the operator event, or nothing when the webhook is not for the bot. */
    public OperatorWebhook accept(String body) {
        JsonNode envelope = WebhookBodies.readObject(json, "livechat", body);
        if (!envelope.path("action").isTextual() || !envelope.path("payload").isObject()) {
            throw WebhookRejectedException.malformed("livechat", "Not a LiveChat webhook: action and payload are required");
        }
        byte[] presented = envelope.path("secret_key").asText("").getBytes(StandardCharsets.UTF_8);
        if (secret == null || !MessageDigest.isEqual(secret, presented)) {
            log.warn("LiveChat webhook {} refused: wrong secret_key", envelope.path("action").asText());
            throw WebhookRejectedException.wrongSecret("livechat", "Wrong secret_key");
        }
        return toOperatorEvent(envelope.path("action").asText(), envelope.path("payload"),
                envelope.path("additional_data").path("chat_presence_user_ids"))
                .map(OperatorWebhook::of).orElse(OperatorWebhook.NOTHING);
    }

    Optional<OperatorEvent> toOperatorEvent(String action, JsonNode payload, JsonNode chatUsers) {
        String chatId = payload.path("chat_id").asText(null);
        Optional<String> conversationId = chatId == null ? Optional.empty()
                : accounts.conversationOfChat(LiveChatTokens.PROVIDER, chatId);
        if (conversationId.isEmpty()) {
            refuseIfItsFirstChatIsStarting(action, chatId, chatUsers);
            // its start's answer may have been stored since the first look
            conversationId = accounts.conversationOfChat(LiveChatTokens.PROVIDER, chatId);
            if (conversationId.isEmpty()) {
                log.info("LiveChat webhook {} for unknown chat {}: ignored", action, chatId);
                return Optional.empty();
            }
        }
        String id = conversationId.get();
        String customerId = accounts.find(id, LiveChatTokens.PROVIDER).map(ProviderAccounts.Account::customerId).orElse(null);
        return toOperatorEvent(id, customerId, action, payload, json);
    }

    /**
     * A chat the gateway does not know may be the first chat of a customer whose {@code start_chat} LiveChat
     * has acted on but whose answer has not reached the gateway yet (an operator took the chat at once). The
     * webhook's chat users (additional data {@code chat_presence_user_ids}) name the customer: if a handoff of
     * its conversation is being opened, the webhook is refused, 503, with nothing recorded, so LiveChat
     * delivers it again once the chat is stored. Without the chat's users (a webhook registered without them)
     * it cannot be told from the license's other chats and is ignored.
     */
    private void refuseIfItsFirstChatIsStarting(String action, String chatId, JsonNode chatUsers) {
        if (!chatUsers.isArray() || chatUsers.isEmpty()) {
            return;
        }
        List<String> userIds = new ArrayList<>();
        chatUsers.forEach(user -> {
            if (user.isTextual()) {
                userIds.add(user.asText());
            }
        });
        Optional<String> starting = accounts.conversationStartingFirstChat(LiveChatTokens.PROVIDER, userIds)
                .filter(conversations::handoffStarting);
        if (starting.isPresent()) {
            log.info("conversation={} LiveChat {} of its first chat {} before start_chat's answer: to be delivered again",
                    starting.get(), action, chatId);
            throw new WebhookTooEarlyException(LiveChatTokens.PROVIDER, starting.get());
        }
    }

    /**
     * The mapping itself, once the chat's conversation and LiveChat customer are known: the event for the bot,
     * or nothing when the webhook is not for it.
     */
    static Optional<OperatorEvent> toOperatorEvent(String id, String customerId, String action, JsonNode payload,
                                                   ObjectMapper json) {
        String chatId = payload.path("chat_id").asText(null);
        String threadId = payload.path("thread_id").asText(null);
        return switch (action) {
            case "incoming_event" -> incomingEvent(id, threadId, customerId, payload.path("event"));
            case "user_added_to_chat" -> userAdded(id, chatId, threadId, payload.path("user"));
            case "chat_deactivated" -> {
                String closedBy = payload.path("user_id").asText(null);
                String reason = closedBy == null ? "inactivity" : closedBy.equals(customerId) ? "clientClosed" : "operatorClosed";
                yield Optional.of(new OperatorEvent(LiveChatTokens.PROVIDER, id, Kind.FINISHED,
                        "deactivated:" + chatId + ":" + threadId, threadId, closedBy, null, Map.of("reason", reason)));
            }
            case "chat_transferred" -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("reason", payload.path("reason").asText("other"));
                fields.put("transferredTo", json.convertValue(payload.path("transferred_to"), Map.class));
                yield Optional.of(new OperatorEvent(LiveChatTokens.PROVIDER, id, Kind.TRANSFERRED,
                        "transferred:" + Integer.toHexString(payload.toString().hashCode()) + ":" + chatId,
                        threadId, null, null, fields));
            }
            default -> {
                log.info("conversation={} LiveChat webhook {} ignored", id, action);
                yield Optional.empty();
            }
        };
    }

    private static Optional<OperatorEvent> incomingEvent(String id, String threadId, String customerId, JsonNode event) {
        String author = event.path("author_id").asText(null);
        String visibility = event.path("visibility").asText(event.path("recipients").asText("all"));
        if (author == null || author.equals(customerId) || "agents".equals(visibility)) {
            return Optional.empty(); // the client's own words, or a note among agents
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        Kind kind;
        switch (event.path("type").asText()) {
            case "message" -> {
                kind = Kind.MESSAGE;
                fields.put("text", event.path("text").asText(""));
            }
            case "file" -> {
                kind = Kind.FILE;
                fields.put("url", event.path("url").asText());
                if (event.hasNonNull("name")) {
                    fields.put("name", event.path("name").asText());
                }
                if (event.path("size").isNumber()) {
                    fields.put("size", event.path("size").asLong());
                }
            }
            case "rich_message" -> {
                // an agent's card or quick replies: the bot cannot show LiveChat's template, so it gets the words
                String text = richMessageText(event);
                if (text.isEmpty()) {
                    return Optional.empty();
                }
                kind = Kind.MESSAGE;
                fields.put("text", text);
                fields.put("richMessage", event.path("template_id").asText("cards"));
            }
            default -> {
                return Optional.empty(); // system messages and filled forms are not the operator talking
            }
        }
        return Optional.of(new OperatorEvent(LiveChatTokens.PROVIDER, id, kind, event.path("id").asText(null),
                threadId, author, null, fields));
    }

    /** A rich message's words, one line each: every element's title and subtitle, then its buttons' texts. */
    static String richMessageText(JsonNode richMessage) {
        List<String> lines = new ArrayList<>();
        for (JsonNode element : richMessage.path("elements")) {
            for (String field : List.of("title", "subtitle")) {
                if (!element.path(field).asText("").isBlank()) {
                    lines.add(element.path(field).asText());
                }
            }
            for (JsonNode button : element.path("buttons")) {
                if (!button.path("text").asText("").isBlank()) {
                    lines.add("- " + button.path("text").asText());
                }
            }
        }
        return String.join("\n", lines);
    }

    private static Optional<OperatorEvent> userAdded(String id, String chatId, String threadId, JsonNode user) {
        if (!"agent".equals(user.path("type").asText())) {
            return Optional.empty();
        }
        String agentId = user.path("id").asText();
        return Optional.of(new OperatorEvent(LiveChatTokens.PROVIDER, id, Kind.JOINED,
                "joined:" + chatId + ":" + threadId + ":" + agentId, threadId, agentId,
                user.path("name").asText(null), Map.of()));
    }
}
