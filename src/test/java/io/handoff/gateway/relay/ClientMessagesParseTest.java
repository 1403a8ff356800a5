package io.handoff.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.conversation.ClientMessage;

/** The client message and close bodies' rules, without Spring (the stores are not needed to read a body). */
class ClientMessagesParseTest {

    final ClientMessages messages = new ClientMessages(new ObjectMapper(), null, null, null, null,
            new io.handoff.gateway.HandoffProperties(null, null, null, null, null,
                    new io.handoff.gateway.HandoffProperties.Relay(java.time.Duration.ofHours(24), java.time.Duration.ofSeconds(1),
                            java.time.Duration.ofMinutes(5), 4, java.time.Duration.ofSeconds(1),
                            org.springframework.util.unit.DataSize.ofMegabytes(10), 1000),
                    null, null, null, null));

    List<String> errorsOf(String body) {
        ProblemException problem = catchThrowableOfType(() -> messages.parse(body), ProblemException.class);
        assertThat(problem).as("refused: " + body).isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        @SuppressWarnings("unchecked")
        List<Map<String, String>> errors = (List<Map<String, String>>) problem.extensions().getOrDefault("errors", List.of());
        return errors.stream().map(e -> e.get("field") + ": " + e.get("message")).toList();
    }

    @Test
    void aTextMessage() {
        assertThat(messages.parse("{\"messageId\": \"m-1\", \"text\": \"hello\"}"))
                .isEqualTo(new ClientMessage("m-1", "hello", null));
    }

    @Test
    void aFileMessageWithAndWithoutItsOptionalFields() {
        ClientMessage full = messages.parse("{\"messageId\": \"m-2\", \"file\": {\"url\": \"https://x/y.png\", \"name\": \"y.png\", \"size\": 0}}");
        assertThat(full).isEqualTo(new ClientMessage("m-2", null, new ClientMessage.File("https://x/y.png", "y.png", 0L)));
        assertThat(full.isFile()).isTrue();

        assertThat(messages.parse("{\"messageId\": \"m-3\", \"file\": {\"url\": \"https://x/z\", \"size\": null}, \"unknown\": 1}"))
                .isEqualTo(new ClientMessage("m-3", null, new ClientMessage.File("https://x/z", null, null)));
    }

    @Test
    void aTextOf16000CharactersIsTheLongestAccepted() {
        assertThat(messages.parse("{\"messageId\": \"m\", \"text\": \"" + "x".repeat(16_000) + "\"}").text()).hasSize(16_000);
        assertThat(errorsOf("{\"messageId\": \"m\", \"text\": \"" + "x".repeat(16_001) + "\"}"))
                .containsExactly("text: is longer than 16000 characters");
    }

    @Test
    void idUrlAndNameStopAtTheirLimits() {
        String ok = "{\"messageId\": \"" + "i".repeat(128) + "\", \"file\": {\"url\": \"" + "u".repeat(2048) + "\", \"name\": \"" + "n".repeat(256) + "\"}}";
        assertThat(messages.parse(ok).messageId()).hasSize(128);

        String tooLong = "{\"messageId\": \"" + "i".repeat(129) + "\", \"file\": {\"url\": \"" + "u".repeat(2049) + "\", \"name\": \"" + "n".repeat(257) + "\"}}";
        assertThat(errorsOf(tooLong)).containsExactly(
                "messageId: is longer than 128 characters", "url: is longer than 2048 characters", "name: is longer than 256 characters");
    }

    static Stream<Arguments> invalidMessages() {
        return Stream.of(
                Arguments.of("no messageId", "{\"text\": \"hi\"}", List.of("messageId: is required")),
                Arguments.of("numeric messageId", "{\"messageId\": 1, \"text\": \"hi\"}", List.of("messageId: must be a non-empty string")),
                Arguments.of("blank messageId", "{\"messageId\": \" \", \"text\": \"hi\"}", List.of("messageId: must be a non-empty string")),
                Arguments.of("neither text nor file", "{\"messageId\": \"m\"}", List.of("text: send either text or file")),
                Arguments.of("both text and file", "{\"messageId\": \"m\", \"text\": \"hi\", \"file\": {\"url\": \"https://x\"}}",
                        List.of("text: send either text or file")),
                Arguments.of("blank text", "{\"messageId\": \"m\", \"text\": \"  \"}", List.of("text: must be a non-empty string")),
                Arguments.of("text of the wrong type", "{\"messageId\": \"m\", \"text\": [\"hi\"]}", List.of("text: must be a non-empty string")),
                Arguments.of("file not an object", "{\"messageId\": \"m\", \"file\": \"https://x\"}", List.of("file: must be an object")),
                Arguments.of("file without url", "{\"messageId\": \"m\", \"file\": {\"name\": \"a\"}}", List.of("url: is required")),
                Arguments.of("negative size", "{\"messageId\": \"m\", \"file\": {\"url\": \"https://x\", \"size\": -1}}",
                        List.of("file.size: must be a whole number of bytes")),
                Arguments.of("fractional size", "{\"messageId\": \"m\", \"file\": {\"url\": \"https://x\", \"size\": 1.5}}",
                        List.of("file.size: must be a whole number of bytes")),
                Arguments.of("size as text", "{\"messageId\": \"m\", \"file\": {\"url\": \"https://x\", \"size\": \"10\"}}",
                        List.of("file.size: must be a whole number of bytes")),
                Arguments.of("several at once", "{\"messageId\": 5, \"text\": 6}",
                        List.of("messageId: must be a non-empty string", "text: must be a non-empty string")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidMessages")
    void anInvalidMessageListsWhatIsWrong(String name, String body, List<String> errors) {
        assertThat(errorsOf(body)).containsExactlyElementsOf(errors);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.handoff.gateway.relay.ClientMessagesParseTest#malformed")
    void aBodyThatIsNotOneJsonObjectIsRefused(String body) {
        ProblemException problem = catchThrowableOfType(() -> messages.parse(body), ProblemException.class);
        assertThat(problem).isNotNull();
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.extensions()).doesNotContainKey("errors");
    }

    static Stream<String> malformed() {
        return Stream.of("", "[]", "{\"messageId\": \"a\", \"messageId\": \"b\", \"text\": \"x\"}", "{\"messageId\": \"a\", \"text\": \"x\"} {}", "{");
    }

    @Test
    void aCloseBodyMayCarryTheClientsLastWords() {
        assertThat(messages.parseClose("{\"text\": \"Thanks, bye\"}")).isEqualTo("Thanks, bye");
        assertThat(messages.parseClose("{}")).isNull();
        assertThat(messages.parseClose("{\"text\": null}")).isNull();
        assertThat(messages.parseClose("{\"text\": \"" + "x".repeat(16_000) + "\"}")).hasSize(16_000);

        for (String bad : List.of("{\"text\": \"" + "x".repeat(16_001) + "\"}", "{\"text\": 3}", "{\"text\": \"\"}", "[\"x\"]",
                "{\"text\": \"a\", \"text\": \"b\"}")) {
            ProblemException problem = catchThrowableOfType(() -> messages.parseClose(bad), ProblemException.class);
            assertThat(problem).as(bad.length() > 60 ? bad.substring(0, 60) : bad).isNotNull();
            assertThat(problem.status()).isEqualTo(400);
        }
    }
}
