package io.handoff.gateway.provider.livechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.handoff.gateway.conversation.ClientMessage;
import io.handoff.gateway.conversation.ClientTurn;
import io.handoff.gateway.conversation.Conversation;
import io.handoff.gateway.conversation.ConversationState;

/** A client text too long for one event goes as pieces whose custom_ids let a retry send only what LiveChat lacks. */
class LiveChatRelayPiecesTest {

    static final String LONG = "я".repeat(16_000); // 32,000 bytes: two events

    final LiveChatRelay relay = new LiveChatRelay();

    static ClientTurn turn(String messageId, String text) {
        Conversation inHandoff = new Conversation("c", ConversationState.OPERATOR, "support", "livechat", "CH1", null, null,
                null, "TH1", 1);
        return new ClientTurn("c", new ClientMessage(messageId, text, null), null, inHandoff, null, false, null, false);
    }

    static List<Object> customIds(List<Map<String, Object>> sendEvents) {
        return sendEvents.stream().<Object>map(body -> ((Map<?, ?>) body.get("event")).get("custom_id")).toList();
    }

    static String joinedTexts(List<Map<String, Object>> sendEvents) {
        return String.join("", sendEvents.stream().map(body -> (String) ((Map<?, ?>) body.get("event")).get("text")).toList());
    }

    @Test
    void aShortTextIsOneEventNamedByItsMessageId() {
        List<Map<String, Object>> events = relay.clientEvents(turn("m1", "hello"), null, null);

        assertThat(customIds(events)).containsExactly("m1");
        assertThat(events.get(0).get("chat_id")).isEqualTo("CH1");
    }

    @Test
    void aLongTextsFirstPieceKeepsTheMessageIdAndTheNextOnesAreNumbered() {
        List<Map<String, Object>> events = relay.clientEvents(turn("m1", LONG), null, null);

        assertThat(customIds(events)).containsExactly("m1", "m1#2");
        assertThat(joinedTexts(events)).isEqualTo(LONG);
    }

    /** What get_chat would tell of a chat holding the events of these send_event bodies (less any other field). */
    Set<String> inChat(List<Map<String, Object>> sendEvents) {
        return relay.eventsInChat(Map.of("thread", Map.of("events", sendEvents.stream().map(body -> body.get("event")).toList())));
    }

    @Test
    void aRetrySendsOnlyThePiecesTheChatLacks() {
        ClientTurn turn = turn("m1", LONG);
        List<Map<String, Object>> all = relay.clientEvents(turn, null, null);
        Set<String> firstPieceOnly = inChat(List.of(all.get(0), relay.clientEvents(turn("other", "hi"), null, null).get(0)));

        assertThat(customIds(relay.clientEvents(turn, null, firstPieceOnly))).containsExactly("m1#2");
        assertThat(relay.deliveredBefore(turn, firstPieceOnly)).isFalse();
        assertThat(relay.deliveredBefore(turn, inChat(all))).isTrue();
        assertThat(relay.clientEvents(turn, null, inChat(all))).isEmpty();
    }

    @Test
    void aBotMessageIdShapedLikeAPieceIsNotTakenForThePiece() {
        ClientTurn turn = turn("m1", LONG);
        List<Map<String, Object>> all = relay.clientEvents(turn, null, null);
        // the bot's own message "m1#2", a different text, is in the chat with the first piece of m1
        Set<String> chat = inChat(List.of(all.get(0), relay.clientEvents(turn("m1#2", "a message of its own"), null, null).get(0)));

        assertThat(customIds(relay.clientEvents(turn, null, chat))).containsExactly("m1#2");
        assertThat(joinedTexts(relay.clientEvents(turn, null, chat))).isEqualTo(joinedTexts(List.of(all.get(1))));
    }

    @Test
    void aTextTheChatHoldsWithItsEndsTrimmedIsKnownAsSent() {
        ClientTurn turn = turn("m1", "  hello \n");
        Map<String, Object> trimmed = Map.of("type", "message", "custom_id", "m1", "text", "hello");

        assertThat(relay.deliveredBefore(turn, relay.eventsInChat(Map.of("thread", Map.of("events", List.of(trimmed)))))).isTrue();
    }

    @Test
    void theLastWordsPiecesAreNamedByTheChat() {
        ClientTurn close = turn("m1", null).withClosingText(LONG).asClose();
        List<Map<String, Object>> all = relay.closingEvents(close, null);

        assertThat(customIds(all)).containsExactly("close:CH1", "close:CH1#2");
        assertThat(customIds(relay.closingEvents(close, inChat(List.of(all.get(0)))))).containsExactly("close:CH1#2");
    }

    @Test
    void theChatsEventsComeFromGetChatsLatestThread() {
        Map<String, Object> getChat = Map.of("thread", Map.of("events", List.of(
                Map.of("type", "message", "custom_id", "m1", "text", "hi"), Map.of("type", "message"), "not an event")));

        assertThat(relay.eventsInChat(getChat)).containsExactly(LiveChatRelay.eventKey(Map.of("type", "message", "custom_id", "m1", "text", "hi")));
        assertThat(relay.eventsInChat(Map.of())).isEmpty();
    }
}
