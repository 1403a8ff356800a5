package io.handoff.gateway.provider.livetex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.provider.ProviderTransientException;

/** How a LiveTex answer is classified: code 7 and 5xx retried, code 2 reported at once naming the key, the rest 502. */
class LiveTexResponsesTest {

    final LiveTexResponses responses = new LiveTexResponses(new ObjectMapper());

    static String failure(int code, String message) {
        return "{\"success\": false, \"error_code\": " + code + ", \"error_message\": \"" + message + "\"}";
    }

    ProviderException thrown(int status, String body) {
        ProviderException e = catchThrowableOfType(() -> responses.interpret(status, body), ProviderException.class);
        assertThat(e).as(status + " " + body).isNotNull();
        assertThat(e.provider()).isEqualTo("LiveTex");
        assertThat(e.httpStatus()).isEqualTo(status);
        return e;
    }

    @Test
    void code2IsAnInvalidKeyReportedAtOnceWithWhatToFix() {
        for (int status : new int[] {200, 400, 403, 500, 503}) {
            ProviderException e = thrown(status, failure(2, "key is not valid"));
            assertThat(e).isNotInstanceOf(ProviderTransientException.class);
            assertThat(e.retryable()).isFalse();
            assertThat(e.unavailable()).isFalse();
            assertThat(e.errorType()).isEqualTo("error_code 2");
            assertThat(e.getMessage()).contains("handoff.livetex.key").doesNotContain("key is not valid\"");
        }
    }

    @Test
    void code7IsAnInternalErrorWorthRetrying() {
        ProviderException e = thrown(200, failure(7, "internal error"));
        assertThat(e).isInstanceOf(ProviderTransientException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.unavailable()).isFalse();
        assertThat(e.errorType()).isEqualTo("error_code 7");
        assertThat(e.getMessage()).isEqualTo("LiveTex answered 200 error_code 7: internal error");

        assertThat(thrown(503, failure(7, "x")).unavailable()).isTrue();
    }

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of(500, true, false),
                Arguments.of(502, true, false),
                Arguments.of(503, true, true),
                Arguments.of(504, true, true),
                Arguments.of(429, true, true),
                Arguments.of(400, false, false),
                Arguments.of(404, false, false),
                Arguments.of(301, false, false));
    }

    @ParameterizedTest(name = "[{index}] HTTP {0}: retryable={1} unavailable={2}")
    @MethodSource("statuses")
    void withoutAnErrorCodeTheStatusDecides(int status, boolean retryable, boolean unavailable) {
        for (String body : new String[] {null, "", "<html>oops</html>", "[1]", "{}"}) {
            ProviderException e = thrown(status, body);
            assertThat(e.retryable()).as(body).isEqualTo(retryable);
            assertThat(e instanceof ProviderTransientException).isEqualTo(retryable);
            assertThat(e.unavailable()).isEqualTo(unavailable);
            assertThat(e.errorType()).isNull();
        }
    }

    @Test
    void otherCodesAreReportedAsTheyAre() {
        for (int code : new int[] {1, 3, 4, 5, 6, 8, 100}) {
            ProviderException e = thrown(200, failure(code, "error " + code));
            assertThat(e.retryable()).as("code " + code).isFalse();
            assertThat(e.errorType()).isEqualTo("error_code " + code);
            assertThat(e.getMessage()).isEqualTo("LiveTex answered 200 error_code " + code + ": error " + code);
        }
        // a 5xx still retries whatever the code, except the key's
        assertThat(thrown(500, failure(3, "x")).retryable()).isTrue();
    }

    @Test
    void successUnlessItSaysOtherwise() {
        assertThat(responses.interpret(200, "{\"success\": true, \"destinations\": []}")).containsEntry("success", true);
        assertThat(responses.interpret(200, "{\"destinations\": []}")).containsOnlyKeys("destinations");
        assertThat(responses.interpret(200, "")).isEqualTo(Map.of());
        assertThat(responses.interpret(201, "not json")).isEqualTo(Map.of());

        ProviderException e = thrown(200, "{\"success\": false}");
        assertThat(e.retryable()).isFalse();
        assertThat(e.errorType()).isNull();
    }
}
