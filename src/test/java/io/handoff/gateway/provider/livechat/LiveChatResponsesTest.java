package io.handoff.gateway.provider.livechat;

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

import io.handoff.gateway.provider.ProviderAuthenticationException;
import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.provider.ProviderTransientException;

/**
 * How a LiveChat answer is classified: success, an error the caller accepted, authentication (fresh tokens, one
 * retry), transient (retried with backoff; 503 for the bot when "unavailable") or permanent (502 at once).
 */
class LiveChatResponsesTest {

    final LiveChatResponses responses = new LiveChatResponses(new ObjectMapper(), LiveChatRegionsTest.regions(Map.of()));

    enum Outcome { AUTH, TRANSIENT_UNAVAILABLE, TRANSIENT_FAILING, PERMANENT }

    static String apiError(String type) {
        return "{\"error\": {\"type\": \"" + type + "\", \"message\": \"the " + type + " message\"}}";
    }

    static Outcome outcomeOf(ProviderException e) {
        if (e instanceof ProviderAuthenticationException) {
            assertThat(e.retryable()).isFalse();
            return Outcome.AUTH;
        }
        if (e instanceof ProviderTransientException) {
            assertThat(e.retryable()).isTrue();
            return e.unavailable() ? Outcome.TRANSIENT_UNAVAILABLE : Outcome.TRANSIENT_FAILING;
        }
        assertThat(e.retryable()).isFalse();
        assertThat(e.unavailable()).isFalse();
        return Outcome.PERMANENT;
    }

    ProviderException thrown(int status, String body, String accepted) {
        ProviderException e = catchThrowableOfType(() -> responses.interpret(status, body, accepted), ProviderException.class);
        assertThat(e).as(status + " " + body).isNotNull();
        assertThat(e.provider()).isEqualTo("LiveChat");
        assertThat(e.httpStatus()).isEqualTo(status);
        return e;
    }

    /** Every error type the classifier or the gateway's flow knows, with the status LiveChat sends it with. */
    static Stream<Arguments> errorTypes() {
        return Stream.of(
                Arguments.of("authentication", 401, Outcome.AUTH),
                Arguments.of("authentication", 400, Outcome.AUTH), // the type decides, whatever the status
                Arguments.of("too_many_requests", 429, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of("too_many_requests", 400, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of("service_unavailable", 503, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of("service_unavailable", 400, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of("request_timeout", 504, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of("request_timeout", 400, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of("internal", 500, Outcome.TRANSIENT_FAILING),
                Arguments.of("internal", 400, Outcome.TRANSIENT_FAILING),
                Arguments.of("validation", 400, Outcome.PERMANENT),
                Arguments.of("chat_already_active", 400, Outcome.PERMANENT),
                Arguments.of("chat_inactive", 400, Outcome.PERMANENT),
                Arguments.of("not_found", 404, Outcome.PERMANENT),
                Arguments.of("authorization", 403, Outcome.PERMANENT),
                Arguments.of("customer_banned", 403, Outcome.PERMANENT),
                Arguments.of("group_offline", 400, Outcome.PERMANENT),
                Arguments.of("group_unavailable", 400, Outcome.PERMANENT),
                Arguments.of("license_expired", 402, Outcome.PERMANENT),
                Arguments.of("misdirected_request", 421, Outcome.PERMANENT), // naming no region: nothing to try instead
                Arguments.of("some_new_type", 422, Outcome.PERMANENT));
    }

    @ParameterizedTest(name = "[{index}] {0} with HTTP {1} -> {2}")
    @MethodSource("errorTypes")
    void eachErrorTypeIsClassified(String type, int status, Outcome outcome) {
        ProviderException e = thrown(status, apiError(type), null);

        assertThat(outcomeOf(e)).isEqualTo(outcome);
        assertThat(e.errorType()).isEqualTo(type);
        assertThat(e.getMessage()).isEqualTo("LiveChat answered " + status + " " + type + ": the " + type + " message");
    }

    /** Without a usable body the status decides: a proxy's HTML page, an empty answer. */
    static Stream<Arguments> statusesAlone() {
        return Stream.of(
                Arguments.of(401, Outcome.AUTH),
                Arguments.of(429, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of(503, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of(504, Outcome.TRANSIENT_UNAVAILABLE),
                Arguments.of(500, Outcome.TRANSIENT_FAILING),
                Arguments.of(502, Outcome.TRANSIENT_FAILING),
                Arguments.of(400, Outcome.PERMANENT),
                Arguments.of(403, Outcome.PERMANENT),
                Arguments.of(404, Outcome.PERMANENT),
                Arguments.of(302, Outcome.PERMANENT),
                Arguments.of(0, Outcome.PERMANENT));
    }

    @ParameterizedTest(name = "[{index}] HTTP {0} -> {1}")
    @MethodSource("statusesAlone")
    void withoutAnErrorTypeTheStatusDecides(int status, Outcome outcome) {
        for (String body : new String[] {null, "", "<html>Bad gateway</html>", "[]", "{\"unexpected\": true}"}) {
            ProviderException e = thrown(status, body, null);
            assertThat(outcomeOf(e)).as(body).isEqualTo(outcome);
            assertThat(e.errorType()).isNull();
            assertThat(e.getMessage()).isEqualTo("LiveChat answered " + status);
        }
    }

    @Test
    void theAccountsServicesTwoErrorShapesAreReadToo() {
        ProviderException oauth = thrown(400, "{\"oauth_exception\": \"invalid_grant\", \"exception_description\": \"refresh token expired\"}", null);
        assertThat(oauth.errorType()).isEqualTo("invalid_grant");
        assertThat(oauth.getMessage()).isEqualTo("LiveChat answered 400 invalid_grant: refresh token expired");
        assertThat(outcomeOf(oauth)).isEqualTo(Outcome.PERMANENT);

        ProviderException rfc6749 = thrown(401, "{\"error\": \"invalid_client\", \"error_description\": \"unknown client\"}", null);
        assertThat(rfc6749.errorType()).isEqualTo("invalid_client");
        assertThat(rfc6749.getMessage()).isEqualTo("LiveChat answered 401 invalid_client: unknown client");
        assertThat(outcomeOf(rfc6749)).isEqualTo(Outcome.AUTH);

        assertThat(outcomeOf(thrown(400, "{\"error\": \"authentication\"}", null))).isEqualTo(Outcome.AUTH);
    }

    @Test
    void aMisdirectedRequestNamingARegionIsItsOwnKind() {
        String body = "{\"error\":{\"type\":\"misdirected_request\",\"message\":\"Wrong region\","
                + "\"data\":{\"region\":\"dal\"}}}";

        ProviderException e = thrown(421, body, null);

        assertThat(e).isInstanceOf(LiveChatMisdirectedException.class);
        assertThat(((LiveChatMisdirectedException) e).region()).isEqualTo("dal");
        assertThat(outcomeOf(e)).isEqualTo(Outcome.PERMANENT); // tried once in that region (livechat-reauth), not with backoff
        assertThat(e.getMessage()).isEqualTo("LiveChat answered 421 misdirected_request: Wrong region");
        // what is no region name is never sent as one
        String notARegion = body.replace("\"dal\"", "\"dal\\r\\nX: 1\"");
        assertThat(thrown(421, notARegion, null)).isNotInstanceOf(LiveChatMisdirectedException.class);
    }

    @Test
    void anAcceptedErrorTypeComesBackAsTheBody() {
        Object body = responses.interpret(400, apiError("chat_already_active"), "chat_inactive,chat_already_active");

        assertThat(body).isEqualTo(Map.of("error", Map.of("type", "chat_already_active", "message", "the chat_already_active message")));
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) body;
        assertThat(LiveChatResponses.errorTypeOf(map)).isEqualTo("chat_already_active");
        assertThat(LiveChatResponses.errorTypeOf(Map.of("chat_id", "X"))).isNull();
    }

    @Test
    void onlyTheListedTypesAreAccepted() {
        assertThat(outcomeOf(thrown(400, apiError("validation"), "chat_inactive,chat_already_active"))).isEqualTo(Outcome.PERMANENT);
        assertThat(outcomeOf(thrown(400, apiError("chat_active"), "chat_already_active"))).isEqualTo(Outcome.PERMANENT); // whole names only
        assertThat(outcomeOf(thrown(503, "<html/>", "chat_already_active"))).isEqualTo(Outcome.TRANSIENT_UNAVAILABLE); // no type, nothing to accept
        // an accepted type is the caller's even when it would be transient
        assertThat(responses.interpret(503, apiError("service_unavailable"), "service_unavailable")).isInstanceOf(Map.class);
    }

    @Test
    void successIsTheParsedBody() {
        assertThat(responses.interpret(200, "{\"chat_id\": \"PJ0MRSHTDG\", \"thread_id\": \"T1\"}", null))
                .isEqualTo(Map.of("chat_id", "PJ0MRSHTDG", "thread_id", "T1"));
        assertThat(responses.interpret(200, "[{\"id\": \"w1\"}]", null)).isEqualTo(List.of(Map.of("id", "w1"))); // list_webhooks
        assertThat(responses.interpret(204, "", null)).isEqualTo(Map.of());
        assertThat(responses.interpret(200, null, null)).isEqualTo(Map.of());
        assertThat(responses.interpret(299, "not json", null)).isEqualTo(Map.of());
        // a 2xx is success even with an error-looking body
        assertThat(responses.interpret(200, apiError("internal"), null)).isInstanceOf(Map.class);
    }
}
