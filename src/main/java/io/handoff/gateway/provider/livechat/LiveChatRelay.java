package io.handoff.gateway.provider.livechat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.ClientMessage;
import io.handoff.gateway.conversation.ClientTurn;
import io.handoff.gateway.provider.ChatEndedException;

/** Customer Chat API bodies for an open handoff: the client's messages and files, its last words, the close. */
@Component("livechatRelay")
public class LiveChatRelay {

    /** {@code send_event} for the client's message or (already uploaded) file; custom_id carries the messageId. */
    public Map<String, Object> clientEvent(ClientTurn turn, String uploadedFileUrl) {
        ClientMessage message = turn.message();
        Map<String, Object> event = new LinkedHashMap<>();
        if (message.isFile()) {
            event.put("type", "file");
            event.put("url", uploadedFileUrl);
            if (message.file().name() != null) {
                event.put("alternative_text", message.file().name());
            }
        } else {
            event.put("type", "message");
            event.put("text", message.text());
            event.put("recipients", "all");
        }
        event.put("custom_id", message.messageId());
        return Map.of("chat_id", turn.providerChatId(), "event", event);
    }

    /**
     * {@code send_event} with the client's last words before the chat closes. A chat closes once, so its id
     * makes a custom_id that stays the same when the queue tries the close again.
     */
    public Map<String, Object> closingEvent(ClientTurn turn) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "message");
        event.put("text", turn.closingText());
        event.put("recipients", "all");
        event.put("custom_id", "close:" + turn.providerChatId());
        return Map.of("chat_id", turn.providerChatId(), "event", event);
    }

    public Map<String, Object> deactivate(ClientTurn turn) {
        return Map.of("id", turn.providerChatId());
    }

    /** A message tried again after a failed attempt, which LiveChat may have taken with its answer lost. */
    public boolean isRetriedMessage(ClientTurn turn) {
        return turn.retried() && turn.message() != null;
    }

    /** {@code get_chat} of the chat the message was accepted for: its latest thread, with its events. */
    public Map<String, Object> getChat(ClientTurn turn) {
        return Map.of("chat_id", turn.providerChatId());
    }

    /**
     * Whether the chat's latest thread already has the message (its {@code custom_id} is the messageId): LiveChat
     * took an earlier attempt whose answer was lost, and does not de-duplicate by itself.
     */
    public boolean alreadyInChat(ClientTurn turn, Map<String, Object> getChatAnswer) {
        if (getChatAnswer.get("thread") instanceof Map<?, ?> thread && thread.get("events") instanceof List<?> events) {
            String messageId = turn.message().messageId();
            return events.stream().anyMatch(event -> event instanceof Map<?, ?> e && messageId.equals(e.get("custom_id")));
        }
        return false;
    }

    /** True when LiveChat answered {@code chat_inactive}: the chat was closed meanwhile. */
    public boolean chatInactive(Map<String, Object> sendEventAnswer) {
        return "chat_inactive".equals(LiveChatResponses.errorTypeOf(sendEventAnswer));
    }

    /** The message was not delivered because the chat has ended: the client-message queue tells the bot. */
    public void chatEnded(ClientTurn turn) {
        throw new ChatEndedException(LiveChatProvider.NAME, turn.conversationId());
    }

    /** Whose customer token the calls use. */
    public String conversationId(ClientTurn turn) {
        return turn.conversationId();
    }

    public boolean isFile(ClientTurn turn) {
        return turn.message().isFile();
    }

    /** The client's last words (lastMessage, or the bot's text) go before the close. */
    public boolean hasClosingText(ClientTurn turn) {
        return turn.closingText() != null;
    }
}
