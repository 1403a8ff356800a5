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

    @Test
    void aRetrySendsOnlyThePiecesTheChatLacks() {
        ClientTurn turn = turn("m1", LONG);

        assertThat(customIds(relay.clientEvents(turn, null, Set.of("other", "m1")))).containsExactly("m1#2");
        assertThat(relay.deliveredBefore(turn, Set.of("m1"))).isFalse();
        assertThat(relay.deliveredBefore(turn, Set.of("m1", "m1#2"))).isTrue();
        assertThat(relay.clientEvents(turn, null, Set.of("m1", "m1#2"))).isEmpty();
    }

    @Test
    void theLastWordsPiecesAreNamedByTheChat() {
        ClientTurn close = turn("m1", null).withClosingText(LONG).asClose();

        assertThat(customIds(relay.closingEvents(close, null))).containsExactly("close:CH1", "close:CH1#2");
        assertThat(customIds(relay.closingEvents(close, Set.of("close:CH1")))).containsExactly("close:CH1#2");
    }

    @Test
    void theChatsCustomIdsComeFromGetChatsLatestThread() {
        Map<String, Object> getChat = Map.of("thread", Map.of("events", List.of(
                Map.of("type", "message", "custom_id", "m1"), Map.of("type", "message"), "not an event")));

        assertThat(relay.customIdsInChat(getChat)).containsExactly("m1");
        assertThat(relay.customIdsInChat(Map.of())).isEmpty();
    }
}
