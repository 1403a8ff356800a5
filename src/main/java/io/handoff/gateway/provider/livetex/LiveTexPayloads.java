package io.handoff.gateway.provider.livetex;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.conversation.ClientTurn;
import io.handoff.gateway.conversation.Conversation;
import io.handoff.gateway.conversation.Handoff;
import io.handoff.gateway.conversation.OperatorWebhook;
import io.handoff.gateway.conversation.ProviderAccounts;
import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.conversation.SwitchRequest;
import io.handoff.gateway.conversation.ClientMessage;
import io.handoff.gateway.routing.Destination;

/**
 * LiveTex Messaging API 1.0 bodies, and the enrichment every call needs: the access key (a query
 * parameter, set as a header so it never becomes part of an endpoint URI that logs or JMX would show)
 * and the conversation's LiveTex {@code user_id}, which is derived from the conversation id and doubles
 * as the provider chat id (LiveTex has no chat id).
 */
@Component("livetexPayloads")
public class LiveTexPayloads {

    public static final String PROVIDER = LiveTexProvider.NAME;
    static final String DEPARTMENT = "Department";

    private final LiveTexProperties config;
    private final String botLinePrefix;
    private final ProviderAccounts accounts;
    private final ObjectMapper json;

    public LiveTexPayloads(HandoffProperties properties, LiveTexProperties livetex, ProviderAccounts accounts, ObjectMapper json) {
        this.config = livetex;
        this.botLinePrefix = properties.transcript().botLinePrefix();
        this.accounts = accounts;
        this.json = json;
    }

    // ---- enrichment

    /** The {@code key=} query of every call. */
    public String keyQuery() {
        if (config.key() == null || config.key().isBlank()) {
            throw ProviderException.notConfigured("LiveTex", "LiveTex is not configured: set handoff.livetex.key");
        }
        return "key=" + URLEncoder.encode(config.key(), StandardCharsets.UTF_8);
    }

    public String userId(String conversationId) {
        return config.userIdPrefix() + conversationId;
    }

    // ---- handoff

    /** {@code getDestinations} takes no arguments: an empty JSON object. */
    public Map<String, Object> getDestinations() {
        return Map.of();
    }

    /**
     * From {@code getDestinations}: the first of the destination's departments that has someone
     * online, else (ignoreOffline) its first department; null when nobody is online.
     */
    public String onlineDepartment(Destination destination, Map<String, Object> getDestinationsAnswer) {
        Object listed = getDestinationsAnswer.get("destinations");
        String online = null;
        if (listed instanceof List<?> destinations) {
            online = destination.groupIds().stream().filter(id -> destinations.stream().anyMatch(d -> d instanceof Map<?, ?> m
                    && id.equals(String.valueOf(m.get("destination_id"))) && Boolean.TRUE.equals(m.get("has_online"))))
                    .findFirst().orElse(null);
        }
        return online;
    }

    /** {@code selectDestination} in the online department, else (ignoreOffline) the destination's first. */
    public Map<String, Object> selectDestination(Handoff handoff, String onlineDepartment) {
        String conversationId = handoff.conversationId();
        SwitchRequest request = handoff.switchRequest();
        String department = onlineDepartment != null ? onlineDepartment : handoff.destination().groupIds().get(0);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", userId(conversationId));
        body.put("destination_type", DEPARTMENT);
        body.put("destination_id", department);
        if (request.customer() != null && request.customer().name() != null) {
            body.put("name", request.customer().name());
        }
        body.put("attributes", request.switchData().attributes());
        body.put("hidden_attributes", request.switchData().hiddenAttributes());
        return body;
    }

    /** The transcript and first message as {@code sendText} bodies, in order. */
    public List<Map<String, Object>> initialTexts(Handoff handoff) {
        String userId = userId(handoff.conversationId());
        return handoff.switchRequest().operatorLines(botLinePrefix).stream()
                .map(text -> Map.<String, Object>of("user_id", userId, "text", text)).toList();
    }

    /**
     * The appeal is open: the conversation's LiveTex user is kept (for the webhooks) and is its provider
     * chat id (LiveTex has no threads). Returns the handoff with the chat opened.
     */
    public Handoff handoffOpened(Handoff handoff) {
        String conversationId = handoff.conversationId();
        String userId = userId(conversationId);
        accounts.saveCustomer(conversationId, PROVIDER, userId);
        accounts.saveChat(conversationId, PROVIDER, userId);
        return handoff.chatOpened(userId, null);
    }

    // ---- relay

    public boolean isFile(ClientTurn turn) {
        return turn.message().isFile();
    }

    public Map<String, Object> clientMessage(ClientTurn turn) {
        ClientMessage message = turn.message();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", turn.providerChatId());
        if (message.isFile()) {
            body.put("url", message.file().url()); // LiveTex takes files by URL
            if (message.file().name() != null) {
                body.put("file_name", message.file().name());
            }
            if (message.file().size() != null) {
                body.put("size", message.file().size());
            }
        } else {
            body.put("text", message.text());
        }
        return body;
    }

    /** LiveTex has no close call: the operator is told in words (lastMessage, the bot's text, or the close note). */
    public Map<String, Object> closingNote(ClientTurn turn) {
        String text = turn.closingText();
        return Map.of("user_id", turn.providerChatId(), "text", text != null ? text : config.closeNote());
    }

    /** A {@code SelectDestination} webhook: the conversation's destination is selected again, as at the handoff. */
    public Map<String, Object> reselect(OperatorWebhook.Reselect reselect) throws JsonProcessingException {
        Conversation conversation = reselect.conversation();
        SwitchRequest.Switch handoff = json.readValue(conversation.handoffJson(), SwitchRequest.Switch.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", conversation.providerChatId());
        body.put("destination_type", DEPARTMENT);
        body.put("destination_id", reselect.department());
        body.put("attributes", handoff.attributes());
        body.put("hidden_attributes", handoff.hiddenAttributes());
        return body;
    }

    public boolean setWebhookEnabled() {
        return config.publicUrl() != null && !config.publicUrl().isBlank();
    }

    public Map<String, Object> setWebhook() {
        return Map.of("url", config.publicUrl().replaceAll("/+$", "") + "/webhooks/livetex",
                "webhook_key", config.webhookKey() == null ? "" : config.webhookKey());
    }
}
