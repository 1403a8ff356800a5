package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The {@code operator} of an operatorMessage/operatorFile: the event's name, else the one the joined operator had;
 * and which events belong to the open handoff.
 */
class OperatorOfEventTest {

    static Conversation withOperator(String id, String name) {
        return new Conversation("c", ConversationState.OPERATOR, "support", "livechat", "C1", id, name, null, "T1", 3);
    }

    static OperatorEvent message(String operatorId, String operatorName) {
        return new OperatorEvent("livechat", "c", OperatorEvent.Kind.MESSAGE, "E1", "T1", operatorId, operatorName, Map.of("text", "x"));
    }

    @Test
    void theEventsOwnNameWins() {
        assertThat(OperatorEvents.operator(withOperator("anna", "Anna"), message("anna", "Anna K.")))
                .isEqualTo(Map.of("id", "anna", "name", "Anna K."));
    }

    @Test
    void aNamelessEventOfTheJoinedOperatorTakesItsName() {
        assertThat(OperatorEvents.operator(withOperator("anna", "Anna"), message("anna", null)))
                .isEqualTo(Map.of("id", "anna", "name", "Anna"));
    }

    @Test
    void anotherOperatorNeverBorrowsTheJoinedOnesName() {
        assertThat(OperatorEvents.operator(withOperator("anna", "Anna"), message("boris", null)))
                .isEqualTo(Map.of("id", "boris"));
        assertThat(OperatorEvents.operator(withOperator(null, null), message("boris", null)))
                .isEqualTo(Map.of("id", "boris"));
    }

    @Test
    void theIdIsAlwaysThereAndComesFirst() {
        assertThat(OperatorEvents.operator(withOperator("anna", null), message("anna", null)).keySet()).containsExactly("id");
        assertThat(OperatorEvents.operator(withOperator("anna", "Anna"), message("anna", null)).keySet()).containsExactly("id", "name");
    }

    @Test
    void onlyTheOpenHandoffsChatAndThreadSpeakToTheBot() {
        Conversation open = withOperator("anna", "Anna");
        assertThat(OperatorEvents.ofOpenHandoff(open, message("anna", null))).isTrue();
        assertThat(OperatorEvents.ofOpenHandoff(open, new OperatorEvent("livechat", "c", OperatorEvent.Kind.MESSAGE, "E2",
                "T0", "anna", null, Map.of("text", "from the chat's previous thread")))).isFalse();
        assertThat(OperatorEvents.ofOpenHandoff(open, new OperatorEvent("livetex", "c", OperatorEvent.Kind.MESSAGE, "E3",
                null, "7", null, Map.of("text", "from the other provider")))).isFalse();
        assertThat(OperatorEvents.ofOpenHandoff(open, new OperatorEvent("livechat", "c", OperatorEvent.Kind.JOINED, "E4",
                null, "boris", null, Map.of()))).isTrue(); // no thread named: the chat decides
        Conversation ended = new Conversation("c", ConversationState.BOT, "support", "livechat", "C1", "anna", "Anna", null, "T1", 3);
        assertThat(OperatorEvents.ofOpenHandoff(ended, message("anna", null))).isFalse();
    }
}
