package io.handoff.gateway.provider.livechat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.ClientMessage;
import io.handoff.gateway.conversation.ClientTurn;
import io.handoff.gateway.provider.ChatEndedException;

/** Customer Chat API bodies for an open handoff: the client's messages and files, its last words, the close. */
@Component("livechatRelay")
public class LiveChatRelay {

    /**
     * {@code send_event} bodies for the client's message, in order, less those the chat already has
     * ({@code eventsInChat}, null when not looked up). A file (already uploaded) is one event; a text longer
     * than one event takes goes in pieces, each with a custom_id of its own ({@link #pieceCustomId}).
     */
    public List<Map<String, Object>> clientEvents(ClientTurn turn, String uploadedFileUrl, Set<String> eventsInChat) {
        ClientMessage message = turn.message();
        if (!message.isFile()) {
            return unsent(turn, textEvents(turn, message.text()), eventsInChat);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "file");
        event.put("url", uploadedFileUrl);
        if (message.file().name() != null) {
            event.put("alternative_text", message.file().name());
        }
        event.put("custom_id", customId(turn));
        return unsent(turn, List.of(event), eventsInChat);
    }

    /**
     * {@code send_event} bodies with the client's last words before the chat closes, in pieces as a message's
     * text, less those the chat already has. A chat closes once, so its id makes custom_ids that stay the same
     * when the queue tries the close again.
     */
    public List<Map<String, Object>> closingEvents(ClientTurn turn, Set<String> eventsInChat) {
        return unsent(turn, textEvents(turn, turn.closingText()), eventsInChat);
    }

    private static List<Map<String, Object>> textEvents(ClientTurn turn, String text) {
        String customId = customId(turn);
        return LiveChatPayloads.messageEvents(text, piece -> pieceCustomId(customId, piece));
    }

    private static List<Map<String, Object>> unsent(ClientTurn turn, List<Map<String, Object>> events,
                                                    Set<String> eventsInChat) {
        return events.stream()
                .filter(event -> eventsInChat == null || !eventsInChat.contains(eventKey(event)))
                .map(event -> Map.<String, Object>of("chat_id", turn.providerChatId(), "event", event))
                .toList();
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
     * The chat's latest thread's events that carry a custom_id, from {@code get_chat}: what LiveChat already has,
     * each as its {@link #eventKey}.
     */
    public Set<String> eventsInChat(Map<String, Object> getChatAnswer) {
        Set<String> keys = new HashSet<>();
        if (getChatAnswer.get("thread") instanceof Map<?, ?> thread && thread.get("events") instanceof List<?> events) {
            events.forEach(event -> {
                if (event instanceof Map<?, ?> e && e.get("custom_id") instanceof String) {
                    keys.add(eventKey(e));
                }
            });
        }
        return keys;
    }

    /**
     * An event's custom_id and type, and a message's text (without the white space at its ends, which a platform may
     * trim): a piece's custom_id ({@code X#2}) could also be the messageId of another of the bot's messages, and the
     * text tells them apart. Should LiveChat change a text otherwise, the piece is sent again, never lost.
     */
    static String eventKey(Map<?, ?> event) {
        Object text = "message".equals(event.get("type")) && event.get("text") instanceof String t ? t.strip() : "";
        return event.get("custom_id") + "\n" + event.get("type") + "\n" + text;
    }

    /**
     * Whether the chat has every event of the turn already: an earlier attempt delivered it all and lost its
     * answer, and LiveChat does not de-duplicate by itself. (A file's event is known by its custom_id, so no url
     * is needed to tell.)
     */
    public boolean deliveredBefore(ClientTurn turn, Set<String> eventsInChat) {
        return clientEvents(turn, null, eventsInChat).isEmpty();
    }

    /**
     * The {@code custom_id} of the turn's (first) event: a message's messageId; for a close's last words, the
     * chat's id (a chat closes once), so it stays the same when the queue tries again.
     */
    static String customId(ClientTurn turn) {
        return turn.closing() ? "close:" + turn.providerChatId() : turn.message().messageId();
    }

    /**
     * The custom_id of a text's piece: the first keeps the turn's (as an unsplit text has it), the next ones add
     * #2, #3, ..., so a retry finds each piece an earlier attempt delivered and sends only the others.
     */
    static String pieceCustomId(String turnCustomId, int piece) {
        return piece == 0 ? turnCustomId : turnCustomId + "#" + (piece + 1);
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
