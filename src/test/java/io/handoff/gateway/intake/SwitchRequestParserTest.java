package io.handoff.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.conversation.SwitchRequest;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The switch body's rules, without Spring: each rule at its boundary, every error listed at once. */
class SwitchRequestParserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final SwitchRequestParser parser = new SwitchRequestParser(JSON);

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A body with conversation "c-1" and the given switch and extra top-level fields. */
    static String body(Map<String, Object> switchData, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("conversationId", "c-1");
        body.put("switch", switchData);
        body.putAll(extra);
        return json(body);
    }

    /** The 400's errors as "field: message", or a failure when the body is accepted. */
    List<String> errorsOf(String body) {
        ProblemException problem = catchThrowableOfType(() -> parser.parse(body), ProblemException.class);
        assertThat(problem).as("refused: " + abbreviate(body)).isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.slug()).isEqualTo("invalid-request");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> errors = (List<Map<String, String>>) problem.extensions().getOrDefault("errors", List.of());
        return errors.stream().map(e -> e.get("field") + ": " + e.get("message")).toList();
    }

    String detailOf(String body) {
        ProblemException problem = catchThrowableOfType(() -> parser.parse(body), ProblemException.class);
        assertThat(problem).as("refused: " + abbreviate(body)).isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        return problem.getMessage();
    }

    static String abbreviate(String body) {
        return body.length() > 120 ? body.substring(0, 120) + "..." : body;
    }

    static List<Map<String, Object>> history(int entries) {
        return IntStream.range(0, entries).mapToObj(i -> Map.<String, Object>of("from", i % 2 == 0 ? "client" : "bot", "text", "line " + i)).toList();
    }

    @Test
    void aMinimalBodyGetsTheDefaults() {
        SwitchRequest request = parser.parse("{\"conversationId\": \"c-1\", \"switch\": {}}");

        assertThat(request.conversationId()).isEqualTo("c-1");
        assertThat(request.requestId()).isNull();
        assertThat(request.customer()).isNull();
        assertThat(request.history()).isEmpty();
        SwitchRequest.Switch s = request.switchData();
        assertThat(s.destination()).isNull();
        assertThat(s.attributes()).isEmpty();
        assertThat(s.hiddenAttributes()).isEmpty();
        assertThat(s.closeChatPhrases()).isEmpty();
        assertThat(s.sendMessagesToOperator()).isFalse();
        assertThat(s.ignoreOffline()).isFalse();
        assertThat(s.oneTimeMessage()).isFalse();
        assertThat(s.sendMessageHistoryAmount()).isNull();
        assertThat(s.customData()).isNull();
    }

    @Test
    void everyFieldIsRead() {
        SwitchRequest request = parser.parse(json(Map.of(
                "conversationId", "shop:user-42@x.y_z",
                "requestId", "r-1",
                "customer", Map.of("name", "Ann", "email", "ann@example.com"),
                "switch", Map.ofEntries(Map.entry("destination", "support"), Map.entry("firstMessage", "hi"),
                        Map.entry("attributes", Map.of("orderId", "98765", "count", 3, "vip", true)),
                        Map.entry("hiddenAttributes", Map.of("session", "s")),
                        Map.entry("sendMessagesToOperator", true), Map.entry("sendMessageHistoryAmount", 2),
                        Map.entry("ignoreOffline", true), Map.entry("closeChatPhrases", List.of("/close", "bye")),
                        Map.entry("lastMessage", "left"), Map.entry("oneTimeMessage", true), Map.entry("theme", "billing"),
                        Map.entry("customData", Map.of("k", List.of(1, 2)))),
                "history", List.of(Map.of("from", "client", "text", "hello", "at", "2024-01-01T00:00:00Z")))));

        assertThat(request.conversationId()).isEqualTo("shop:user-42@x.y_z");
        assertThat(request.requestId()).isEqualTo("r-1");
        assertThat(request.customer()).isEqualTo(new SwitchRequest.Customer("Ann", "ann@example.com"));
        SwitchRequest.Switch s = request.switchData();
        assertThat(s.destination()).isEqualTo("support");
        assertThat(s.firstMessage()).isEqualTo("hi");
        assertThat(s.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("orderId", "98765", "count", "3", "vip", "true"));
        assertThat(s.hiddenAttributes()).containsExactlyEntriesOf(Map.of("session", "s"));
        assertThat(s.sendMessagesToOperator()).isTrue();
        assertThat(s.sendMessageHistoryAmount()).isEqualTo(2);
        assertThat(s.ignoreOffline()).isTrue();
        assertThat(s.closeChatPhrases()).containsExactly("/close", "bye");
        assertThat(s.lastMessage()).isEqualTo("left");
        assertThat(s.oneTimeMessage()).isTrue();
        assertThat(s.theme()).isEqualTo("billing");
        assertThat(s.customData().toString()).isEqualTo("{\"k\":[1,2]}");
        assertThat(request.history()).containsExactly(new SwitchRequest.HistoryEntry("client", "hello", "2024-01-01T00:00:00Z"));
    }

    @Test
    void unknownFieldsAreIgnoredAtEveryLevel() {
        SwitchRequest request = parser.parse(body(Map.of("destination", "support", "somethingNew", List.of(1)),
                Map.of("channelType", "telegram", "history", List.of(Map.of("from", "bot", "text", "x", "buttons", List.of())))));

        assertThat(request.switchData().destination()).isEqualTo("support");
        assertThat(request.history()).containsExactly(new SwitchRequest.HistoryEntry("bot", "x", null));
    }

    // ------------------------------------------------------------------ conversationId

    @Test
    void aConversationIdOf128CharactersIsTheLongestAccepted() {
        String longest = "a".repeat(128);
        assertThat(parser.parse(json(Map.of("conversationId", longest, "switch", Map.of()))).conversationId()).isEqualTo(longest);

        assertThat(errorsOf(json(Map.of("conversationId", "a".repeat(129), "switch", Map.of()))))
                .containsExactly("conversationId: is longer than 128 characters");
    }

    @Test
    void everyAllowedCharacterMayAppearInAConversationId() {
        String all = "ABCXYZabcxyz0189._:@-";
        assertThat(parser.parse(json(Map.of("conversationId", all, "switch", Map.of()))).conversationId()).isEqualTo(all);
        assertThat(parser.parse(json(Map.of("conversationId", "1", "switch", Map.of()))).conversationId()).isEqualTo("1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"has space", "a/b", "a#b", "a+b", "a?b", "é", "a\tb", "кириллица", "a%20b", "a,b", "a\u0000b"})
    void aConversationIdWithAnyOtherCharacterIsRefused(String id) {
        assertThat(errorsOf(json(Map.of("conversationId", id, "switch", Map.of()))))
                .containsExactly("conversationId: must be 1-128 characters of A-Z a-z 0-9 . _ : @ -");
    }

    static Stream<Arguments> missingOrBadConversationIds() {
        return Stream.of(
                Arguments.of("absent", "{\"switch\": {}}", "conversationId: is required"),
                Arguments.of("null", "{\"conversationId\": null, \"switch\": {}}", "conversationId: is required"),
                Arguments.of("empty", "{\"conversationId\": \"\", \"switch\": {}}", "conversationId: must not be blank"),
                Arguments.of("blank", "{\"conversationId\": \"   \", \"switch\": {}}", "conversationId: must not be blank"),
                Arguments.of("number", "{\"conversationId\": 42, \"switch\": {}}", "conversationId: must be a string"),
                Arguments.of("object", "{\"conversationId\": {\"id\": \"x\"}, \"switch\": {}}", "conversationId: must be a string"),
                Arguments.of("array", "{\"conversationId\": [\"x\"], \"switch\": {}}", "conversationId: must be a string"),
                Arguments.of("boolean", "{\"conversationId\": true, \"switch\": {}}", "conversationId: must be a string"));
    }

    @ParameterizedTest(name = "[{index}] conversationId {0}")
    @MethodSource("missingOrBadConversationIds")
    void aMissingOrWronglyTypedConversationIdIsRefused(String name, String body, String error) {
        assertThat(errorsOf(body)).containsExactly(error);
    }

    // ------------------------------------------------------------------ history

    @Test
    void fiveHundredHistoryEntriesAreTheMost() {
        assertThat(parser.parse(body(Map.of(), Map.of("history", history(500)))).history()).hasSize(500);

        assertThat(errorsOf(body(Map.of(), Map.of("history", history(501))))).containsExactly("history: has more than 500 entries");
    }

    @Test
    void historyEntriesAreCheckedOneByOne() {
        List<Object> entries = List.of(
                Map.of("from", "client", "text", "fine"),
                Map.of("from", "operator", "text", "x"),
                Map.of("from", "bot"),
                "just a string",
                Map.of("from", "bot", "text", "   "),
                Map.of("text", "who?"),
                Map.of("from", "bot", "text", 7, "at", 12));
        assertThat(errorsOf(body(Map.of(), Map.of("history", entries)))).containsExactly(
                "history[1].from: must be 'client' or 'bot'",
                "history[2].text: is required",
                "history[3]: must be an object",
                "history[4].text: must not be blank",
                "history[5].from: is required",
                "history[6].text: must be a string",
                "history[6].at: must be a string");
        assertThat(errorsOf(body(Map.of(), Map.of("history", Map.of("from", "bot"))))).containsExactly("history: must be an array");
    }

    // ------------------------------------------------------------------ texts

    @ParameterizedTest(name = "[{index}] switch.{0}")
    @ValueSource(strings = {"firstMessage", "lastMessage"})
    void switchTextsOf16000CharactersAreTheLongestAccepted(String field) {
        String longest = "x".repeat(16_000);
        SwitchRequest.Switch s = parser.parse(body(Map.of(field, longest), Map.of())).switchData();
        assertThat(field.equals("firstMessage") ? s.firstMessage() : s.lastMessage()).hasSize(16_000);

        assertThat(errorsOf(body(Map.of(field, "x".repeat(16_001)), Map.of())))
                .containsExactly("switch." + field + ": is longer than 16000 characters");
    }

    @Test
    void aHistoryTextOf16000CharactersIsTheLongestAccepted() {
        assertThat(parser.parse(body(Map.of(), Map.of("history", List.of(Map.of("from", "client", "text", "y".repeat(16_000))))))
                .history().get(0).text()).hasSize(16_000);

        assertThat(errorsOf(body(Map.of(), Map.of("history", List.of(Map.of("from", "client", "text", "y".repeat(16_001)))))))
                .containsExactly("history[0].text: is longer than 16000 characters");
    }

    @Test
    void shortFieldsStopAtTheirOwnLimits() {
        assertThat(parser.parse(body(Map.of("destination", "d".repeat(64), "theme", "t".repeat(256)),
                Map.of("requestId", "r".repeat(128), "customer", Map.of("name", "n".repeat(256))))).requestId()).hasSize(128);

        assertThat(errorsOf(body(Map.of("destination", "d".repeat(65), "theme", "t".repeat(257)),
                Map.of("requestId", "r".repeat(129), "customer", Map.of("name", "n".repeat(257)))))).containsExactly(
                "requestId: is longer than 128 characters",
                "customer.name: is longer than 256 characters",
                "switch.destination: is longer than 64 characters",
                "switch.theme: is longer than 256 characters");
    }

    // ------------------------------------------------------------------ switch fields

    static Stream<Arguments> wronglyTypedSwitchFields() {
        return Stream.of(
                Arguments.of("ignoreOffline", "\"yes\"", "switch.ignoreOffline: must be true or false"),
                Arguments.of("sendMessagesToOperator", "1", "switch.sendMessagesToOperator: must be true or false"),
                Arguments.of("oneTimeMessage", "\"true\"", "switch.oneTimeMessage: must be true or false"),
                Arguments.of("sendMessageHistoryAmount", "-1", "switch.sendMessageHistoryAmount: must be a whole number from 0 to 500"),
                Arguments.of("sendMessageHistoryAmount", "501", "switch.sendMessageHistoryAmount: must be a whole number from 0 to 500"),
                Arguments.of("sendMessageHistoryAmount", "2.5", "switch.sendMessageHistoryAmount: must be a whole number from 0 to 500"),
                Arguments.of("sendMessageHistoryAmount", "\"3\"", "switch.sendMessageHistoryAmount: must be a whole number from 0 to 500"),
                Arguments.of("sendMessageHistoryAmount", "4294967296", "switch.sendMessageHistoryAmount: must be a whole number from 0 to 500"),
                Arguments.of("destination", "7", "switch.destination: must be a string"),
                Arguments.of("firstMessage", "[\"hi\"]", "switch.firstMessage: must be a string"),
                Arguments.of("attributes", "[]", "switch.attributes: must be an object of strings"),
                Arguments.of("attributes", "{\"a\": {\"b\": 1}}", "switch.attributes.a: must be a string"),
                Arguments.of("attributes", "{\"a\": null}", "switch.attributes.a: must be a string"),
                Arguments.of("attributes", "{\"\": \"x\"}", "switch.attributes.: names must be 1-128 characters"),
                Arguments.of("hiddenAttributes", "\"x\"", "switch.hiddenAttributes: must be an object of strings"),
                Arguments.of("closeChatPhrases", "\"stop\"", "switch.closeChatPhrases: must be an array of at most 50 strings"),
                Arguments.of("closeChatPhrases", "[\"ok\", 3]", "switch.closeChatPhrases[1]: must be a string"),
                Arguments.of("closeChatPhrases", "[\" \"]", "switch.closeChatPhrases[0]: must not be blank"),
                Arguments.of("customData", "\"x\"", "switch.customData: must be an object"),
                Arguments.of("customData", "[1]", "switch.customData: must be an object"));
    }

    @ParameterizedTest(name = "[{index}] switch.{0} = {1}")
    @MethodSource("wronglyTypedSwitchFields")
    void aWronglyTypedSwitchFieldIsRefused(String field, String value, String error) {
        assertThat(errorsOf("{\"conversationId\": \"c-1\", \"switch\": {\"" + field + "\": " + value + "}}")).containsExactly(error);
    }

    @Test
    void historyAmountBoundsAreInclusive() {
        assertThat(parser.parse(body(Map.of("sendMessageHistoryAmount", 0), Map.of())).switchData().sendMessageHistoryAmount()).isZero();
        assertThat(parser.parse(body(Map.of("sendMessageHistoryAmount", 500), Map.of())).switchData().sendMessageHistoryAmount()).isEqualTo(500);
    }

    @Test
    void attributesStopAt50EntriesOf1024Characters() {
        Map<String, Object> fifty = IntStream.range(0, 50).boxed().collect(Collectors.toMap(i -> "k" + i, i -> "v"));
        Map<String, Object> fiftyOne = IntStream.range(0, 51).boxed().collect(Collectors.toMap(i -> "k" + i, i -> "v"));
        assertThat(parser.parse(body(Map.of("attributes", fifty), Map.of())).switchData().attributes()).hasSize(50);
        assertThat(errorsOf(body(Map.of("attributes", fiftyOne), Map.of()))).containsExactly("switch.attributes: has more than 50 entries");

        assertThat(parser.parse(body(Map.of("attributes", Map.of("k".repeat(128), "v".repeat(1024))), Map.of()))
                .switchData().attributes()).containsEntry("k".repeat(128), "v".repeat(1024));
        assertThat(errorsOf(body(Map.of("attributes", Map.of("long", "v".repeat(1025))), Map.of())))
                .containsExactly("switch.attributes.long: is longer than 1024 characters");
        assertThat(errorsOf(body(Map.of("attributes", Map.of("k".repeat(129), "v")), Map.of())))
                .containsExactly("switch.attributes." + "k".repeat(129) + ": names must be 1-128 characters");
    }

    @Test
    void closeChatPhrasesStopAt50Of256Characters() {
        List<String> fifty = IntStream.range(0, 50).mapToObj(i -> "p" + i).toList();
        assertThat(parser.parse(body(Map.of("closeChatPhrases", fifty), Map.of())).switchData().closeChatPhrases()).hasSize(50);
        assertThat(errorsOf(body(Map.of("closeChatPhrases", IntStream.range(0, 51).mapToObj(i -> "p" + i).toList()), Map.of())))
                .containsExactly("switch.closeChatPhrases: must be an array of at most 50 strings");
        assertThat(errorsOf(body(Map.of("closeChatPhrases", List.of("p".repeat(257))), Map.of())))
                .containsExactly("switch.closeChatPhrases[0]: is longer than 256 characters");
    }

    @Test
    void theSwitchAndTheCustomerMustBeObjects() {
        assertThat(errorsOf("{\"conversationId\": \"c-1\"}")).containsExactly("switch: is required");
        assertThat(errorsOf("{\"conversationId\": \"c-1\", \"switch\": null}")).containsExactly("switch: is required");
        assertThat(errorsOf("{\"conversationId\": \"c-1\", \"switch\": \"support\"}")).containsExactly("switch: must be an object");
        assertThat(errorsOf("{\"conversationId\": \"c-1\", \"switch\": {}, \"customer\": \"Ann\"}")).containsExactly("customer: must be an object");
        assertThat(parser.parse("{\"conversationId\": \"c-1\", \"switch\": {}, \"customer\": null}").customer()).isNull();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"ann", "ann@", "@example.com", "ann@@example.com", "ann smith@example.com", "ann@exa mple.com"})
    void aCustomerEmailMustLookLikeOne(String email) {
        assertThat(errorsOf(body(Map.of(), Map.of("customer", Map.of("email", email))))).containsExactly("customer.email: must be an e-mail address");
    }

    @Test
    void everyErrorIsListedInOneAnswer() {
        List<String> errors = errorsOf("{\"conversationId\": \"bad id\", \"requestId\": 5, \"switch\": {\"ignoreOffline\": \"no\", "
                + "\"closeChatPhrases\": \"x\"}, \"history\": [{\"from\": \"nobody\", \"text\": \"x\"}]}");

        assertThat(errors).containsExactly(
                "conversationId: must be 1-128 characters of A-Z a-z 0-9 . _ : @ -",
                "requestId: must be a string",
                "switch.ignoreOffline: must be true or false",
                "switch.closeChatPhrases: must be an array of at most 50 strings",
                "history[0].from: must be 'client' or 'bot'");
    }

    // ------------------------------------------------------------------ malformed bodies

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                Arguments.of("null body", null, "The request body is empty"),
                Arguments.of("empty body", "", "The request body is empty"),
                Arguments.of("blank body", " \n\t", "The request body is empty"),
                Arguments.of("cut short", "{\"conversationId\": \"c-1\", \"switch\": {", "not valid JSON"),
                Arguments.of("duplicate top-level key", "{\"conversationId\": \"a\", \"conversationId\": \"b\", \"switch\": {}}", "not valid JSON"),
                Arguments.of("duplicate nested key", "{\"conversationId\": \"a\", \"switch\": {\"destination\": \"x\", \"destination\": \"y\"}}", "not valid JSON"),
                Arguments.of("duplicate key in history", "{\"conversationId\": \"a\", \"switch\": {}, \"history\": [{\"text\": \"x\", \"text\": \"y\"}]}", "not valid JSON"),
                Arguments.of("trailing garbage", "{\"conversationId\": \"a\", \"switch\": {}} x", "not valid JSON"),
                Arguments.of("two objects", "{\"conversationId\": \"a\", \"switch\": {}}{}", "not valid JSON"),
                Arguments.of("single quotes", "{'conversationId': 'a', 'switch': {}}", "not valid JSON"),
                Arguments.of("array", "[1, 2]", "must be a JSON object"),
                Arguments.of("string", "\"hello\"", "must be a JSON object"),
                Arguments.of("number", "42", "must be a JSON object"),
                Arguments.of("null literal", "null", "must be a JSON object"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformedBodies")
    void aBodyThatIsNotOneJsonObjectIsRefusedWithNoFieldErrors(String name, String body, String detail) {
        ProblemException problem = catchThrowableOfType(() -> parser.parse(body), ProblemException.class);
        assertThat(problem).isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.getMessage()).contains(detail);
        assertThat(problem.extensions()).doesNotContainKey("errors");
    }

    /** What the operator reads first, from a switch with this history (client "hi", bot "Hello!", client "a person please"). */
    List<String> operatorLines(Map<String, Object> switchData) {
        List<Map<String, String>> history = List.of(Map.of("from", "client", "text", "hi"),
                Map.of("from", "bot", "text", "Hello!"), Map.of("from", "client", "text", "a person please"));
        return parser.parse(body(switchData, Map.of("history", history))).operatorLines("Bot: ");
    }

    @Test
    void theOperatorReadsTheClientsLastWordsOnce() {
        // firstMessage defaults to the last client text, which the transcript already shows
        assertThat(operatorLines(Map.of("sendMessagesToOperator", true)))
                .containsExactly("hi", "Bot: Hello!", "a person please");
        // a transcript cut before it: the first message brings it
        assertThat(operatorLines(Map.of("sendMessagesToOperator", true, "sendMessageHistoryAmount", 0)))
                .containsExactly("a person please");
        // no transcript
        assertThat(operatorLines(Map.of())).containsExactly("a person please");
        // a firstMessage the bot chose is sent as it is, after the whole transcript
        assertThat(operatorLines(Map.of("sendMessagesToOperator", true, "firstMessage", "a person please")))
                .containsExactly("hi", "Bot: Hello!", "a person please", "a person please");
    }
}
