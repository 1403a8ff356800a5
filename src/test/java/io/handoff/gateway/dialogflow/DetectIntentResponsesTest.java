package io.handoff.gateway.dialogflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.dialogflow.DetectIntentResult.Reply;
import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;

/** Samples built from the protos' JSON field names (cx/v3 QueryResult/ResponseMessage, v2 QueryResult/Intent). */
class DetectIntentResponsesTest {

    private final ObjectMapper json = new ObjectMapper();
    private final DetectIntentResponses responses = new DetectIntentResponses(json);

    @Test
    void cxTextsAndPayloadsAreRepliesInOrder() {
        var result = responses.parse(Edition.CX, """
                {"responseId":"r-1","queryResult":{"text":"hi","languageCode":"en",
                 "responseMessages":[
                   {"text":{"text":["Hello!","How can I help?"]}},
                   {"payload":{"richContent":[[{"type":"chips","options":[{"text":"Orders"}]}]]}},
                   {"outputAudioText":{"text":"Hello"}},
                   {"text":{"text":[""]}}],
                 "currentPage":{"displayName":"Start Page"},
                 "match":{"matchType":"INTENT","confidence":0.93,"intent":{"displayName":"greeting"}}}}
                """);
        assertThat(result.texts()).containsExactly("Hello!", "How can I help?");
        assertThat(result.replies()).extracting(Reply::type)
                .containsExactly(Reply.Type.TEXT, Reply.Type.TEXT, Reply.Type.PAYLOAD);
        assertThat(result.handoff()).isEmpty();
        assertThat(result.endInteraction()).isFalse();
        assertThat(result.repliesJson(json).toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"Hello!\"},"
                + "{\"type\":\"text\",\"text\":\"How can I help?\"},"
                + "{\"type\":\"payload\",\"payload\":{\"richContent\":[[{\"type\":\"chips\",\"options\":[{\"text\":\"Orders\"}]}]]}}]");
    }

    @Test
    void cxLiveAgentHandoffIsTheSignalAndItsMetadataTheSwitchFields() {
        var result = responses.parse(Edition.CX, """
                {"responseId":"r-2","queryResult":{"text":"operator","languageCode":"en",
                 "responseMessages":[
                   {"text":{"text":["Connecting you to a person..."]}},
                   {"liveAgentHandoff":{"metadata":{"destination":"support","attributes":{"orderId":"98765"},
                                                    "ignoreOffline":false}}},
                   {"endInteraction":{}}],
                 "match":{"matchType":"INTENT","confidence":1}}}
                """);
        assertThat(result.texts()).containsExactly("Connecting you to a person...");
        assertThat(result.handoff()).hasValueSatisfying(signal -> {
            assertThat(signal.source()).isEqualTo("liveAgentHandoff");
            assertThat(signal.destination()).contains("support");
            assertThat(signal.fields().toString()).isEqualTo(
                    "{\"destination\":\"support\",\"attributes\":{\"orderId\":\"98765\"},\"ignoreOffline\":false}");
        });
        assertThat(result.endInteraction()).isTrue();
    }

    @Test
    void cxLiveAgentHandoffWithoutMetadataHasNoFields() {
        var result = responses.parse(Edition.CX, """
                {"queryResult":{"responseMessages":[{"liveAgentHandoff":{}}]}}
                """);
        assertThat(result.handoff()).hasValueSatisfying(signal -> {
            assertThat(signal.fields().isEmpty()).isTrue();
            assertThat(signal.destination()).isEmpty();
        });
        assertThat(result.replies()).isEmpty();
    }

    @Test
    void cxPayloadsAreNotSignals() {
        var result = responses.parse(Edition.CX, """
                {"queryResult":{"responseMessages":[{"payload":{"action":"handoff"}}]}}
                """);
        assertThat(result.handoff()).isEmpty();
        assertThat(result.replies()).hasSize(1);
    }

    @Test
    void esTextsOfTheDefaultPlatformAndPayloadsAreReplies() {
        var result = responses.parse(Edition.ES, """
                {"responseId":"r-3","queryResult":{"queryText":"hi","languageCode":"en",
                 "fulfillmentText":"Hello!",
                 "fulfillmentMessages":[
                   {"text":{"text":["Hello!"]}},
                   {"platform":"FACEBOOK","text":{"text":["Hello from Messenger"]}},
                   {"platform":"PLATFORM_UNSPECIFIED","payload":{"buttons":["Orders"]}}],
                 "intent":{"name":"projects/p/agent/intents/1","displayName":"Default Welcome Intent"},
                 "intentDetectionConfidence":1,"allRequiredParamsPresent":true}}
                """);
        assertThat(result.texts()).containsExactly("Hello!");
        assertThat(result.replies()).hasSize(2);
        assertThat(result.replies().get(1).payload().toString()).isEqualTo("{\"buttons\":[\"Orders\"]}");
        assertThat(result.handoff()).isEmpty();
    }

    @Test
    void esFulfillmentTextIsTheFallback() {
        var result = responses.parse(Edition.ES, """
                {"queryResult":{"queryText":"hi","fulfillmentText":"Hi there","fulfillmentMessages":[]}}
                """);
        assertThat(result.texts()).containsExactly("Hi there");
        var none = responses.parse(Edition.ES, """
                {"queryResult":{"queryText":"hi","fulfillmentText":""}}
                """);
        assertThat(none.replies()).isEmpty();
    }

    @Test
    void esPayloadHandoffIsTheSignalAndNotAReply() {
        var result = responses.parse(Edition.ES, """
                {"queryResult":{"queryText":"agent","fulfillmentText":"Connecting...",
                 "fulfillmentMessages":[
                   {"text":{"text":["Connecting..."]}},
                   {"payload":{"handoff":{"destination":"sales","attributes":{"orderId":"98765"}}}}],
                 "intent":{"displayName":"talk-to-agent"}}}
                """);
        assertThat(result.texts()).containsExactly("Connecting...");
        assertThat(result.replies()).hasSize(1);
        assertThat(result.handoff()).hasValueSatisfying(signal -> {
            assertThat(signal.source()).isEqualTo("payload.handoff");
            assertThat(signal.destination()).contains("sales");
            assertThat(signal.fields().at("/attributes/orderId").asText()).isEqualTo("98765");
        });
    }

    @Test
    void esPayloadHandoffTrueHasNoFields() {
        var result = responses.parse(Edition.ES, """
                {"queryResult":{"fulfillmentMessages":[{"payload":{"handoff":true}}]}}
                """);
        assertThat(result.handoff()).hasValueSatisfying(signal -> assertThat(signal.fields().isEmpty()).isTrue());
        assertThat(result.replies()).isEmpty();
    }

    @Test
    void esChatwootActionHandoffTakesTheOtherKeysAsSwitchFields() {
        var result = responses.parse(Edition.ES, """
                {"queryResult":{"fulfillmentMessages":[
                   {"text":{"text":["One moment"]}},
                   {"payload":{"action":"handoff","destination":"support","firstMessage":"Customer asks for a refund"}}]}}
                """);
        assertThat(result.handoff()).hasValueSatisfying(signal -> {
            assertThat(signal.source()).isEqualTo("payload.action");
            assertThat(signal.fields().toString())
                    .isEqualTo("{\"destination\":\"support\",\"firstMessage\":\"Customer asks for a refund\"}");
        });
        assertThat(result.texts()).containsExactly("One moment");
        assertThat(result.replies()).hasSize(1);
    }

    @Test
    void esOtherActionsAreOrdinaryPayloads() {
        var result = responses.parse(Edition.ES, """
                {"queryResult":{"fulfillmentMessages":[{"payload":{"action":"resolve"}},
                   {"payload":{"action":{"name":"df_perform_handover"}}}]}}
                """);
        assertThat(result.handoff()).isEmpty();
        assertThat(result.replies()).hasSize(2);
    }

    @Test
    void esIntentFlagIsASignalAndThePayloadsFieldsJoinIt() {
        var flagOnly = responses.parse(Edition.ES, """
                {"queryResult":{"fulfillmentText":"Transferring",
                 "intent":{"displayName":"agent","liveAgentHandoff":true,"endInteraction":true}}}
                """);
        assertThat(flagOnly.handoff()).hasValueSatisfying(signal -> {
            assertThat(signal.source()).isEqualTo("intent.liveAgentHandoff");
            assertThat(signal.fields().isEmpty()).isTrue();
        });
        assertThat(flagOnly.endInteraction()).isTrue();
        assertThat(flagOnly.texts()).containsExactly("Transferring");

        var both = responses.parse(Edition.ES, """
                {"queryResult":{"fulfillmentMessages":[{"payload":{"handoff":{"destination":"sales"}}},
                                                       {"payload":{"action":"handoff","destination":"support","theme":"t"}}],
                 "intent":{"liveAgentHandoff":true}}}
                """);
        assertThat(both.handoff()).hasValueSatisfying(signal -> {
            assertThat(signal.source()).isEqualTo("payload.handoff");
            assertThat(signal.fields().toString()).isEqualTo("{\"destination\":\"sales\",\"theme\":\"t\"}");
        });
    }

    @Test
    void esIntentFlagFalseIsNoSignal() {
        var result = responses.parse(Edition.ES, """
                {"queryResult":{"intent":{"liveAgentHandoff":false}}}
                """);
        assertThat(result.handoff()).isEmpty();
    }

    @Test
    void somethingThatIsNotADetectIntentResponseIsRefused() {
        assertThatThrownBy(() -> responses.parse(Edition.CX, "<html>"))
                .isInstanceOf(DialogflowResponseException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> responses.parse(Edition.ES, "{\"responseId\":\"x\"}"))
                .isInstanceOf(DialogflowResponseException.class).hasMessageContaining("queryResult");
        assertThat(new DialogflowResponseException("x").retryable()).isFalse();
    }

    @Test
    void failuresAreClassifiedByTheRetryRule() {
        var unavailable = DialogflowApiException.fromAnswer(503,
                "{\"error\":{\"code\":503,\"message\":\"The service is currently unavailable.\",\"status\":\"UNAVAILABLE\"}}", json);
        assertThat(unavailable.retryable()).isTrue();
        assertThat(unavailable.unavailable()).isTrue();
        assertThat(unavailable).hasMessage("Dialogflow answered 503 UNAVAILABLE: The service is currently unavailable.");
        assertThat(DialogflowApiException.fromAnswer(429, "", json).retryable()).isTrue();
        var invalid = DialogflowApiException.fromAnswer(400,
                "{\"error\":{\"code\":400,\"message\":\"bad\",\"status\":\"INVALID_ARGUMENT\"}}", json);
        assertThat(invalid.retryable()).isFalse();
        assertThat(invalid.unavailable()).isFalse();
        assertThat(DialogflowApiException.fromAnswer(500, "<html>", json).retryable()).isFalse();
        assertThat(DialogflowApiException.fromAnswer(504, null, json).retryable()).isFalse();

        assertThat(DialogflowApiException.fromIoFailure(new java.net.ConnectException("refused")).retryable()).isTrue();
        var timeout = DialogflowApiException.fromIoFailure(new java.net.SocketTimeoutException("read timed out"));
        assertThat(timeout.retryable()).isFalse();
        assertThat(timeout.unavailable()).isTrue();
        assertThat(DialogflowApiException.fromIoFailure(new java.net.http.HttpTimeoutException("t")).retryable())
                .isFalse();
    }
}
