package io.handoff.gateway.provider.livechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.conversation.OperatorEvent;
import io.handoff.gateway.conversation.OperatorEvent.Kind;

/** Each LiveChat webhook action mapped to the gateway's operator event, or to nothing. */
class LiveChatWebhookMappingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONVERSATION = "shop:ann";
    static final String CUSTOMER = "cust-entity-1";

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<OperatorEvent> map(String action, String payload) {
        return LiveChatWebhooks.toOperatorEvent(CONVERSATION, CUSTOMER, action, json(payload), JSON);
    }

    @Test
    void anAgentsMessageIsAnOperatorMessage() {
        OperatorEvent event = map("incoming_event", "{'chat_id': 'C1', 'thread_id': 'T1', 'event': {'id': 'E1', 'type': 'message', "
                + "'text': 'Let me check', 'author_id': 'anna@example.com', 'visibility': 'all'}}").orElseThrow();

        assertThat(event).isEqualTo(new OperatorEvent("livechat", CONVERSATION, Kind.MESSAGE, "E1", "T1", "anna@example.com", null,
                Map.of("text", "Let me check")));
    }

    @Test
    void anAgentsFileIsAnOperatorFileWithWhatIsKnownOfIt() {
        OperatorEvent full = map("incoming_event", "{'chat_id': 'C1', 'thread_id': 'T1', 'event': {'id': 'E2', 'type': 'file', "
                + "'url': 'https://cdn/x.pdf', 'name': 'x.pdf', 'size': 1234, 'author_id': 'anna@example.com'}}").orElseThrow();
        assertThat(full.kind()).isEqualTo(Kind.FILE);
        assertThat(full.dedupKey()).isEqualTo("E2");
        assertThat(full.fields()).isEqualTo(Map.of("url", "https://cdn/x.pdf", "name", "x.pdf", "size", 1234L));

        OperatorEvent bare = map("incoming_event", "{'chat_id': 'C1', 'event': {'id': 'E3', 'type': 'file', 'url': 'https://cdn/y', "
                + "'name': null, 'size': '12', 'author_id': 'a'}}").orElseThrow();
        assertThat(bare.fields()).isEqualTo(Map.of("url", "https://cdn/y"));
        assertThat(bare.threadId()).isNull();
    }

    @Test
    void anAgentsRichMessageReachesTheBotAsItsWords() {
        OperatorEvent event = map("incoming_event", "{'chat_id': 'C1', 'thread_id': 'T1', 'event': {'id': 'E4', "
                + "'type': 'rich_message', 'template_id': 'quick_replies', 'author_id': 'anna@example.com', "
                + "'elements': [{'title': 'Which order?', 'buttons': [{'text': '98765', 'type': 'message'}, "
                + "{'text': '12345', 'type': 'message'}]}]}}").orElseThrow();

        assertThat(event.kind()).isEqualTo(Kind.MESSAGE);
        assertThat(event.fields()).isEqualTo(Map.of("text", "Which order?\n- 98765\n- 12345", "richMessage", "quick_replies"));
    }

    static Stream<Arguments> ignoredIncomingEvents() {
        return Stream.of(
                Arguments.of("the customer's own message", "{'id': 'E', 'type': 'message', 'text': 'hi', 'author_id': '" + CUSTOMER + "'}"),
                Arguments.of("no author", "{'id': 'E', 'type': 'message', 'text': 'hi'}"),
                Arguments.of("visibility agents", "{'id': 'E', 'type': 'message', 'text': 'note', 'author_id': 'a', 'visibility': 'agents'}"),
                Arguments.of("recipients agents", "{'id': 'E', 'type': 'message', 'text': 'note', 'author_id': 'a', 'recipients': 'agents'}"),
                Arguments.of("system message", "{'id': 'E', 'type': 'system_message', 'text': 'Chat transferred', 'author_id': 'system'}"),
                Arguments.of("rich message without words", "{'id': 'E', 'type': 'rich_message', 'author_id': 'a', "
                        + "'elements': [{'image': {'url': 'https://cdn/i.png'}}]}"),
                Arguments.of("filled form", "{'id': 'E', 'type': 'filled_form', 'author_id': 'a'}"),
                Arguments.of("no type", "{'id': 'E', 'text': 'x', 'author_id': 'a'}"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("ignoredIncomingEvents")
    void incomingEventsThatAreNotTheOperatorTalkingAreIgnored(String name, String event) {
        assertThat(map("incoming_event", "{'chat_id': 'C1', 'thread_id': 'T1', 'event': " + event + "}")).isEmpty();
    }

    @Test
    void anAgentAddedToTheChatJoinsOncePerThread() {
        OperatorEvent joined = map("user_added_to_chat", "{'chat_id': 'C1', 'thread_id': 'T1', "
                + "'user': {'id': 'anna@example.com', 'type': 'agent', 'name': 'Anna'}}").orElseThrow();

        assertThat(joined).isEqualTo(new OperatorEvent("livechat", CONVERSATION, Kind.JOINED, "joined:C1:T1:anna@example.com", "T1",
                "anna@example.com", "Anna", Map.of()));
        assertThat(map("user_added_to_chat", "{'chat_id': 'C1', 'thread_id': 'T1', 'user': {'id': 'a', 'type': 'agent'}}"))
                .hasValueSatisfying(e -> assertThat(e.operatorName()).isNull());
        assertThat(map("user_added_to_chat", "{'chat_id': 'C1', 'thread_id': 'T1', 'user': {'id': '" + CUSTOMER + "', 'type': 'customer'}}")).isEmpty();
        assertThat(map("user_added_to_chat", "{'chat_id': 'C1', 'thread_id': 'T1'}")).isEmpty();
    }

    static Stream<Arguments> deactivations() {
        return Stream.of(
                Arguments.of("{'chat_id': 'C1', 'thread_id': 'T1', 'user_id': 'anna@example.com'}", "operatorClosed", "anna@example.com"),
                Arguments.of("{'chat_id': 'C1', 'thread_id': 'T1', 'user_id': '" + CUSTOMER + "'}", "clientClosed", CUSTOMER),
                Arguments.of("{'chat_id': 'C1', 'thread_id': 'T1'}", "inactivity", null));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("deactivations")
    void aDeactivatedChatFinishesTheHandoffWithWhoClosedIt(String payload, String reason, String closedBy) {
        OperatorEvent finished = map("chat_deactivated", payload).orElseThrow();

        assertThat(finished).isEqualTo(new OperatorEvent("livechat", CONVERSATION, Kind.FINISHED, "deactivated:C1:T1", "T1", closedBy,
                null, Map.of("reason", reason)));
    }

    @Test
    void aTransferIsRecordedWithWhereTheChatWent() {
        String payload = "{'chat_id': 'C1', 'thread_id': 'T1', 'reason': 'manual', 'transferred_to': {'group_ids': [2], 'agent_ids': ['b@x']}}";
        OperatorEvent transferred = map("chat_transferred", payload).orElseThrow();

        assertThat(transferred.kind()).isEqualTo(Kind.TRANSFERRED);
        assertThat(transferred.fields()).isEqualTo(Map.of("reason", "manual",
                "transferredTo", Map.of("group_ids", List.of(2), "agent_ids", List.of("b@x"))));
        assertThat(transferred.dedupKey()).startsWith("transferred:").endsWith(":C1");
        // the same notification again has the same key; another one has another
        assertThat(map("chat_transferred", payload).orElseThrow().dedupKey()).isEqualTo(transferred.dedupKey());
        assertThat(map("chat_transferred", payload.replace("manual", "other")).orElseThrow().dedupKey()).isNotEqualTo(transferred.dedupKey());
        assertThat(map("chat_transferred", "{'chat_id': 'C1'}").orElseThrow().fields()).containsEntry("reason", "other");
    }

    @Test
    void otherActionsAreIgnored() {
        for (String action : List.of("incoming_chat", "chat_properties_updated", "thread_tagged", "routing_status_set", "")) {
            assertThat(map(action, "{'chat_id': 'C1', 'thread_id': 'T1', 'user_id': 'a'}")).as(action).isEmpty();
        }
    }
}
