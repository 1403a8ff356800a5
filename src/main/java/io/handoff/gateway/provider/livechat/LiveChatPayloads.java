package io.handoff.gateway.provider.livechat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.conversation.Handoff;
import io.handoff.gateway.conversation.ProviderAccounts;
import io.handoff.gateway.conversation.SwitchRequest;
import io.handoff.gateway.routing.Destination;

/**
 * Builds Customer Chat API v3.6 bodies from a switch. The transcript and first message travel as the
 * chat's initial thread events, so opening a handoff costs one chat call.
 */
@Component("livechatPayloads")
public class LiveChatPayloads {

    private static final Logger log = LoggerFactory.getLogger(LiveChatPayloads.class);

    /**
     * LiveChat's limit on one message event's text, "16 KB" in its docs, read the safe way: 16,000 bytes of UTF-8
     * (16,000 characters of Cyrillic are twice that). A longer text goes as several events.
     */
    static final int MAX_EVENT_TEXT_BYTES = 16_000;

    private final LiveChatProperties config;
    private final String botLinePrefix;
    private final ProviderAccounts accounts;

    public LiveChatPayloads(HandoffProperties properties, LiveChatProperties livechat, ProviderAccounts accounts) {
        this.config = livechat;
        this.botLinePrefix = properties.transcript().botLinePrefix();
        this.accounts = accounts;
    }

    public Map<String, Object> groupStatuses(Destination destination) {
        return Map.of("group_ids", groupIds(destination));
    }

    /** True when none of the destination's groups accepts chats now ({@code online} or {@code online_for_queue}). */
    public boolean noGroupOnline(Map<String, Object> listGroupStatuses) {
        Object statuses = listGroupStatuses.get("groups_status");
        if (!(statuses instanceof Map<?, ?> byGroup)) {
            return true;
        }
        return byGroup.values().stream().noneMatch(s -> "online".equals(s) || "online_for_queue".equals(s));
    }

    /** {@code update_customer} body from the switch's customer and attributes, or null when there is nothing to say. */
    public Map<String, Object> customerDetails(SwitchRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (request.customer() != null && request.customer().name() != null) {
            body.put("name", request.customer().name());
        }
        if (request.customer() != null && request.customer().email() != null) {
            body.put("email", request.customer().email());
        }
        // attributes are for the operator's eyes: session fields show in the customer details pane
        Map<String, String> attributes = request.switchData().attributes();
        if (!attributes.isEmpty()) {
            List<Map<String, String>> fields = new ArrayList<>();
            attributes.forEach((k, v) -> fields.add(Map.of(k, v)));
            body.put("session_fields", fields);
        }
        return body.isEmpty() ? null : body;
    }

    /** The conversation's LiveChat chat, or null: LiveChat allows one chat per customer, so a returning client resumes it. */
    public String existingChat(String conversationId) {
        return accounts.find(conversationId, LiveChatTokens.PROVIDER).map(ProviderAccounts.Account::chatId).orElse(null);
    }

    /** {@code start_chat}; {@code exchangeId} names the initial events when the switch has no requestId. */
    public Map<String, Object> startChat(Handoff handoff, String exchangeId) {
        Map<String, Object> chat = new LinkedHashMap<>();
        chat.put("access", Map.of("group_ids", groupIds(handoff.destination())));
        chat.put("thread", Map.of("events", initialEvents(handoff, exchangeId)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("chat", chat);
        body.put("continuous", handoff.switchRequest().switchData().ignoreOffline()); // true: no online group required
        return body;
    }

    /** {@code resume_chat} of the customer's one chat. */
    public Map<String, Object> resumeChat(Handoff handoff, String chatId, String exchangeId) {
        Map<String, Object> chat = new LinkedHashMap<>();
        chat.put("id", chatId);
        chat.put("access", Map.of("group_ids", groupIds(handoff.destination())));
        chat.put("thread", Map.of("events", initialEvents(handoff, exchangeId)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("chat", chat);
        body.put("continuous", handoff.switchRequest().switchData().ignoreOffline());
        return body;
    }

    /** True when resume_chat answered that the chat is still active (types from handoff.livechat.chat-active-error-types). */
    public boolean chatStillActive(Map<String, Object> resumeChatAnswer) {
        String type = LiveChatResponses.errorTypeOf(resumeChatAnswer);
        return type != null && config.chatActiveErrorTypes().contains(type);
    }

    /** The initial events as {@code send_event} bodies, for a chat that is still active. */
    public List<Map<String, Object>> sendEvents(Handoff handoff, String chatId, String exchangeId) {
        return initialEvents(handoff, exchangeId).stream()
                .map(event -> Map.<String, Object>of("chat_id", chatId, "event", event))
                .toList();
    }

    /** After start_chat: the customer's one chat, kept for the next handoff and for the webhooks. */
    public void rememberChat(String conversationId, String chatId) {
        accounts.saveChat(conversationId, LiveChatTokens.PROVIDER, chatId);
    }

    /** Before start_chat: should its answer be lost, the next handoff looks for the chat it may have opened. */
    public void chatStartAsked(String conversationId) {
        accounts.markChatStart(conversationId, LiveChatTokens.PROVIDER);
    }

    /** Whether an earlier start_chat of the conversation's customer went unanswered (a timeout, a lost connection). */
    public boolean chatStartUnanswered(String conversationId) {
        return accounts.chatStartUnanswered(conversationId, LiveChatTokens.PROVIDER);
    }

    /** {@code list_chats}: the customer's chats (it has at most one). */
    public Map<String, Object> listChats() {
        return Map.of();
    }

    /**
     * The customer's chat from {@code list_chats}, remembered as the conversation's (none: the unanswered start
     * opened no chat, and the next one starts a chat). LiveChat allows one chat per customer: it is the one the
     * lost start opened.
     */
    public String adoptChat(String conversationId, Map<String, Object> listChatsAnswer) {
        String chatId = null;
        if (listChatsAnswer.get("chats_summary") instanceof List<?> chats) {
            chatId = chats.stream().filter(Map.class::isInstance).map(chat -> ((Map<?, ?>) chat).get("id"))
                    .filter(String.class::isInstance).map(String.class::cast).findFirst().orElse(null);
        }
        accounts.saveChat(conversationId, LiveChatTokens.PROVIDER, chatId);
        log.info("conversation={} an earlier start_chat went unanswered; LiveChat {}", conversationId,
                chatId == null ? "has no chat of the customer" : "has its chat " + chatId + ": resumed");
        return chatId;
    }

    /** start_chat errors answered as a body: groups_offline (a 409) and "the customer has a chat already". */
    public String csvAcceptedStartErrors() {
        return String.join(",", config.chatLimitErrorTypes()) + ",groups_offline";
    }

    /** Whether start_chat was refused as if the customer had a chat already (handoff.livechat.chat-limit-error-types). */
    public boolean chatLimitReached(Map<String, Object> startChatAnswer) {
        String type = LiveChatResponses.errorTypeOf(startChatAnswer);
        return type != null && config.chatLimitErrorTypes().contains(type);
    }

    /** {@code get_chat} of the customer's chat that list_chats found; none: the start's refusal stands. */
    public Map<String, Object> getChat(String chatId, Map<String, Object> startRefusal) {
        if (chatId == null) {
            throw LiveChatResponses.refusal(startRefusal);
        }
        return Map.of("chat_id", chatId);
    }

    /**
     * The answer start_chat would have given an earlier attempt of this switch, whose answer was lost: the chat
     * ({@code chat_id}, {@code thread_id}), when its latest thread is active and holds this switch's first event
     * (by its custom_id, which names the switch). Otherwise the start's refusal stands.
     */
    public Map<String, Object> openedByEarlierAttempt(Handoff handoff, String exchangeId, Map<String, Object> getChatAnswer,
                                                      Map<String, Object> startRefusal) {
        List<Map<String, Object>> ours = initialEvents(handoff, exchangeId);
        if (!ours.isEmpty() && getChatAnswer.get("thread") instanceof Map<?, ?> thread && Boolean.TRUE.equals(thread.get("active"))
                && thread.get("events") instanceof List<?> events && thread.get("id") instanceof String threadId
                && events.stream().anyMatch(e -> e instanceof Map<?, ?> event
                        && ours.get(0).get("custom_id").equals(event.get("custom_id")))) {
            log.info("conversation={} a start_chat of this switch whose answer was lost opened chat {}: taken as the handoff's",
                    handoff.conversationId(), getChatAnswer.get("id"));
            return Map.of("chat_id", getChatAnswer.get("id"), "thread_id", threadId);
        }
        throw LiveChatResponses.refusal(startRefusal);
    }

    /** resume_chat errors answered as a body: "still active" (the handoff posts into the chat) and groups_offline (a 409). */
    public String csvAcceptedResumeErrors() {
        return String.join(",", config.chatActiveErrorTypes()) + ",groups_offline";
    }

    List<Map<String, Object>> initialEvents(Handoff handoff, String exchangeId) {
        SwitchRequest request = handoff.switchRequest();
        String idPrefix = "handoff:" + (request.requestId() != null ? request.requestId() : exchangeId) + ":";
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : request.operatorLines(botLinePrefix)) {
            int first = events.size(); // custom_ids number the events, a long line's pieces included
            events.addAll(messageEvents(line, piece -> idPrefix + (first + piece)));
        }
        return events;
    }

    /**
     * Message events carrying {@code text} in order, in as many pieces as LiveChat needs ({@link Utf8Pieces}); piece
     * 0, 1, ... gets the custom_id {@code customIdOfPiece} gives it.
     */
    static List<Map<String, Object>> messageEvents(String text, IntFunction<String> customIdOfPiece) {
        List<String> pieces = Utf8Pieces.split(text, MAX_EVENT_TEXT_BYTES);
        List<Map<String, Object>> events = new ArrayList<>(pieces.size());
        for (int piece = 0; piece < pieces.size(); piece++) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("type", "message");
            event.put("text", pieces.get(piece));
            event.put("custom_id", customIdOfPiece.apply(piece));
            event.put("recipients", "all");
            events.add(event);
        }
        return events;
    }

    private static List<Integer> groupIds(Destination destination) {
        return destination.groupIds().stream().map(Integer::valueOf).toList();
    }
}
