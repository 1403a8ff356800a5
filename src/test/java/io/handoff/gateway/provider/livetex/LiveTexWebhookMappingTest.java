package io.handoff.gateway.provider.livetex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.conversation.OperatorEvent;
import io.handoff.gateway.conversation.OperatorEvent.Kind;

/** Each LiveTex webhook type mapped to the gateway's operator event, or to nothing. */
class LiveTexWebhookMappingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONVERSATION = "shop:oleg";
    static final String EMPLOYEE = "'employee': {'employee_id': '7', 'first_name': 'Oleg', 'last_name': 'Petrov'}";

    static Optional<OperatorEvent> map(String type, String webhook) {
        try {
            return LiveTexWebhooks.toOperatorEvent(CONVERSATION, type, JSON.readTree(webhook.replace('\'', '"')));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static OperatorEvent event(Kind kind, String id, String employeeId, String name, Map<String, Object> fields) {
        return new OperatorEvent("livetex", CONVERSATION, kind, id, null, employeeId, name, fields);
    }

    @Test
    void anEmployeesTextIsAnOperatorMessage() {
        assertThat(map("TextMessage", "{'id': 'w1', 'type': 'TextMessage', 'text': '10% off', " + EMPLOYEE + "}"))
                .contains(event(Kind.MESSAGE, "w1", "7", "Oleg Petrov", Map.of("text", "10% off")));
    }

    @Test
    void anEmployeesFileIsAnOperatorFile() {
        assertThat(map("FileMessage", "{'id': 'w2', 'url': 'https://lt/f.pdf', 'name': 'f.pdf', 'size': 10, " + EMPLOYEE + "}"))
                .contains(event(Kind.FILE, "w2", "7", "Oleg Petrov", Map.of("url", "https://lt/f.pdf", "name", "f.pdf", "size", 10L)));
        assertThat(map("FileMessage", "{'id': 'w3', 'url': 'https://lt/g', 'size': 'big', 'employee': {'employee_id': '7'}}"))
                .contains(event(Kind.FILE, "w3", "7", null, Map.of("url", "https://lt/g")));
    }

    @Test
    void namesAreWhatTheEmployeeHas() {
        assertThat(map("TextMessage", "{'id': 'a', 'text': 'x', 'employee': {'employee_id': '7', 'first_name': 'Oleg'}}"))
                .hasValueSatisfying(e -> assertThat(e.operatorName()).isEqualTo("Oleg"));
        assertThat(map("TextMessage", "{'id': 'a', 'text': 'x', 'employee': {'employee_id': '7', 'last_name': 'Petrov'}}"))
                .hasValueSatisfying(e -> assertThat(e.operatorName()).isEqualTo("Petrov"));
        assertThat(map("TextMessage", "{'id': 'a', 'text': 'x', 'employee': {'employee_id': '7', 'first_name': ' ', 'last_name': ''}}"))
                .hasValueSatisfying(e -> assertThat(e.operatorName()).isNull());
        assertThat(map("TextMessage", "{'id': 'a', 'text': 'x'}"))
                .hasValueSatisfying(e -> assertThat(e.operatorId()).isNull());
    }

    @ParameterizedTest(name = "[{index}] {0} from the User")
    @ValueSource(strings = {"TextMessage", "FileMessage"})
    void theClientsOwnWordsAreIgnored(String type) {
        assertThat(map(type, "{'id': 'u1', 'from': 'User', 'text': 'hi', 'url': 'https://x'}")).isEmpty();
    }

    @Test
    void aHoldMessageComesFromNoOne() {
        assertThat(map("HoldMessage", "{'id': 'h1', 'text': 'Please wait', " + EMPLOYEE + "}"))
                .contains(event(Kind.MESSAGE, "h1", null, null, Map.of("text", "Please wait", "hold", true)));
    }

    @Test
    void closedFinishesTheHandoffAsTheOperatorsClose() {
        assertThat(map("Closed", "{'id': 'c1', " + EMPLOYEE + "}"))
                .contains(event(Kind.FINISHED, "c1", "7", "Oleg Petrov", Map.of("reason", "operatorClosed")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"MessageDelivered", "SelectDestination", "Typing", "SomethingNew", ""})
    void otherTypesAreNotEvents(String type) {
        assertThat(map(type, "{'id': 'x', 'message_id': 'm', 'text': 'x', " + EMPLOYEE + "}")).isEmpty();
    }
}
