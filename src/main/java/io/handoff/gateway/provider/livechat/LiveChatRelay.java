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
     * ({@code customIdsInChat}, null when not looked up). A file (already uploaded) is one event; a text longer
     * than one event takes goes in pieces, each with a custom_id of its own ({@link #pieceCustomId}).
     */
    public List<Map<String, Object>> clientEvents(ClientTurn turn, String uploadedFileUrl, Set<String> customIdsInChat) {
        ClientMessage message = turn.message();
        if (!message.isFile()) {
            return unsent(turn, textEvents(turn, message.text()), customIdsInChat);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "file");
        event.put("url", uploadedFileUrl);
        if (message.file().name() != null) {
            event.put("alternative_text", message.file().name());
        }
        event.put("custom_id", customId(turn));
        return unsent(turn, List.of(event), customIdsInChat);
    }

    /**
     * {@code send_event} bodies with the client's last words before the chat closes, in pieces as a message's
     * text, less those the chat already has. A chat closes once, so its id makes custom_ids that stay the same
     * when the queue tries the close again.
     */
    public List<Map<String, Object>> closingEvents(ClientTurn turn, Set<String> customIdsInChat) {
        return unsent(turn, textEvents(turn, turn.closingText()), customIdsInChat);
    }

    private static List<Map<String, Object>> textEvents(ClientTurn turn, String text) {
        String customId = customId(turn);
        return LiveChatPayloads.messageEvents(text, piece -> pieceCustomId(customId, piece));
    }

    private static List<Map<String, Object>> unsent(ClientTurn turn, List<Map<String, Object>> events,
                                                    Set<String> customIdsInChat) {
        return events.stream()
                .filter(event -> customIdsInChat == null || !customIdsInChat.contains(event.get("custom_id")))
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

    /** The custom_ids of the chat's latest thread's events, from {@code get_chat}: what LiveChat already has. */
    public Set<String> customIdsInChat(Map<String, Object> getChatAnswer) {
        Set<String> customIds = new HashSet<>();
        if (getChatAnswer.get("thread") instanceof Map<?, ?> thread && thread.get("events") instanceof List<?> events) {
            events.forEach(event -> {
                if (event instanceof Map<?, ?> e && e.get("custom_id") instanceof String customId) {
                    customIds.add(customId);
                }
            });
        }
        return customIds;
    }

    /**
     * Whether the chat has every event of the turn already: an earlier attempt delivered it all and lost its
     * answer, and LiveChat does not de-duplicate by itself. (A file's event is known by its custom_id, so no url
     * is needed to tell.)
     */
    public boolean deliveredBefore(ClientTurn turn, Set<String> customIdsInChat) {
        return clientEvents(turn, null, customIdsInChat).isEmpty();
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
