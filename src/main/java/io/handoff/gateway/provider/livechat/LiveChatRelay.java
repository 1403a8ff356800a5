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
        event.put("custom_id", customId(turn));
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
        event.put("custom_id", customId(turn));
        return Map.of("chat_id", turn.providerChatId(), "event", event);
    }

    public Map<String, Object> deactivate(ClientTurn turn) {
        return Map.of("id", turn.providerChatId());
    }

    /**
     * A message, or a close's last words, tried again after a failed attempt: LiveChat may have taken that one
     * with its answer lost.
     */
    public boolean mayBeInChatAlready(ClientTurn turn) {
        return turn.retried() && (turn.closing() ? hasClosingText(turn) : turn.message() != null);
    }

    /** {@code get_chat} of the chat the message was accepted for: its latest thread, with its events. */
    public Map<String, Object> getChat(ClientTurn turn) {
        return Map.of("chat_id", turn.providerChatId());
    }

    /**
     * Whether the chat's latest thread already has the turn's event (by its {@code custom_id}): LiveChat took an
     * earlier attempt whose answer was lost, and does not de-duplicate by itself.
     */
    public boolean alreadyInChat(ClientTurn turn, Map<String, Object> getChatAnswer) {
        if (getChatAnswer.get("thread") instanceof Map<?, ?> thread && thread.get("events") instanceof List<?> events) {
            String customId = customId(turn);
            return events.stream().anyMatch(event -> event instanceof Map<?, ?> e && customId.equals(e.get("custom_id")));
        }
        return false;
    }

    /**
     * The {@code custom_id} of the turn's event: a message's messageId; for a close's last words, the chat's id (a
     * chat closes once), so it stays the same when the queue tries again.
     */
    static String customId(ClientTurn turn) {
        return turn.closing() ? "close:" + turn.providerChatId() : turn.message().messageId();
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
