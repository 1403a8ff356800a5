package io.handoff.gateway.jaicp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.provider.Availability;
import io.handoff.gateway.provider.livechat.LiveChatProvider;
import io.handoff.gateway.provider.livetex.LiveTexProvider;
import io.handoff.gateway.routing.Destination;

/** JAICP's Operator API calls as the gateway's own requests, the gateway's events as JAICP's, and hasOnline. */
class JaicpMappingTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    // ------------------------------------------------------------------ requests

    @Test
    void selectDestinationIsASwitchOfTheChannelsConversation() {
        Map<String, Object> request = JaicpRequests.switchRequest("shop", json("{'userId': 'u-1', 'destinationId': 'support', "
                + "'userName': 'Ann', 'attributes': {'order': '98765'}, 'hiddenAttributes': {'session': 's'}, 'customData': {'k': 1}, "
                + "'somethingElse': true}"), List.of("support", "sales"), false, JSON);

        assertThat(tree(request)).isEqualTo(json("{'conversationId': 'jaicp:shop:u-1', 'customer': {'name': 'Ann'}, "
                + "'switch': {'destination': 'support', 'attributes': {'order': '98765'}, 'hiddenAttributes': {'session': 's'}, "
                + "'customData': {'k': 1}, 'ignoreOffline': true}}"));
    }

    @Test
    void aChannelThatRefusesOfflineSwitchesWithoutIgnoreOffline() {
        Map<String, Object> request = JaicpRequests.switchRequest("strict", json("{'userId': 'u', 'destinationId': 'support'}"),
                List.of("support"), true, JSON);

        assertThat(tree(request)).isEqualTo(json("{'conversationId': 'jaicp:strict:u', 'customer': {'name': 'strict u'}, "
                + "'switch': {'destination': 'support', 'ignoreOffline': false}}"));
    }

    @Test
    void attributesThatAreNotObjectsAreLeftOut() {
        Map<String, Object> request = JaicpRequests.switchRequest("shop", json("{'userId': 'u', 'destinationId': 'support', "
                + "'attributes': 'x', 'hiddenAttributes': [1], 'customData': null}"), List.of("support"), false, JSON);

        assertThat(tree(request).path("switch")).isEqualTo(json("{'destination': 'support', 'ignoreOffline': true}"));
    }

    @Test
    void aDestinationOutsideTheChannelIs422ListingTheChannels() {
        for (String body : List.of("{'userId': 'u', 'destinationId': 'vip'}", "{'userId': 'u'}", "{'userId': 'u', 'destinationId': 5}")) {
            ProblemException problem = catchThrowableOfType(
                    () -> JaicpRequests.switchRequest("shop", json(body), List.of("support", "sales"), false, JSON), ProblemException.class);
            assertThat(problem).as(body).isNotNull();
            assertThat(problem.status()).isEqualTo(422);
            assertThat(problem.extensions()).containsEntry("knownDestinations", List.of("support", "sales"));
        }
    }

    @Test
    void theUserIdMakesTheConversationIdWithinItsRules() {
        assertThat(JaicpRequests.userId("shop", json("{'userId': 'a.b_c:d@e-f'}"))).isEqualTo("a.b_c:d@e-f");
        // "jaicp:shop:" is 11 characters: 117 are left for the user
        assertThat(JaicpRequests.userId("shop", tree(Map.of("userId", "u".repeat(117))))).hasSize(117);

        for (JsonNode body : List.of(tree(Map.of("userId", "u".repeat(118))), json("{}"), json("{'userId': ''}"),
                json("{'userId': '   '}"), json("{'userId': 'has space'}"), json("{'userId': 'a/b'}"), json("{'userId': {'id': 1}}"))) {
            ProblemException problem = catchThrowableOfType(() -> JaicpRequests.userId("shop", body), ProblemException.class);
            assertThat(problem).as(body.toString()).isNotNull();
            assertThat(problem.status()).isEqualTo(400);
        }
        // selectDestination checks the user before the destination
        ProblemException problem = catchThrowableOfType(() -> JaicpRequests.switchRequest("shop", json("{'destinationId': 'vip'}"),
                List.of("support"), false, JSON), ProblemException.class);
        assertThat(problem.status()).isEqualTo(400);
    }

    @Test
    void sendTextAndSendFileAreClientMessages() {
        assertThat(JaicpRequests.clientText(json("{'userId': 'u', 'text': 'hello'}"), "m-1"))
                .isEqualTo(Map.of("messageId", "m-1", "text", "hello"));
        assertThat(JaicpRequests.clientText(json("{'userId': 'u'}"), "m-2")).isEqualTo(Map.of("messageId", "m-2", "text", ""));

        assertThat(JaicpRequests.clientFile(json("{'userId': 'u', 'url': 'https://f/x.pdf', 'fileName': 'x.pdf', 'size': 1024}"), "m-3"))
                .isEqualTo(Map.of("messageId", "m-3", "file", Map.of("url", "https://f/x.pdf", "name", "x.pdf", "size", 1024L)));
        assertThat(tree(JaicpRequests.clientFile(json("{'userId': 'u', 'url': 'https://f/y', 'fileName': null, 'size': '1'}"), "m-4")))
                .isEqualTo(json("{'messageId': 'm-4', 'file': {'url': 'https://f/y'}}"));
    }

    @Test
    void conversationIdsAndUserIdsGoBothWays() {
        assertThat(JaicpChannels.conversationId("shop", "u:1")).isEqualTo("jaicp:shop:u:1");
        assertThat(JaicpChannels.userIdOf("jaicp:shop:u:1")).isEqualTo("u:1");
        assertThat(JaicpChannels.channelOf("jaicp:shop:u:1")).contains("shop");
        assertThat(JaicpChannels.channelOf("shop:u")).isEmpty();
        assertThat(JaicpChannels.channelOf("jaicp:nochannel")).isEmpty();
    }

    // ------------------------------------------------------------------ events

    final JaicpEvents events = new JaicpEvents(JSON);

    Optional<JsonNode> toJaicp(String event) {
        return events.toJaicp(event.replace('\'', '"')).map(JaicpMappingTest::json);
    }

    @Test
    void anOperatorMessageIsATextMessage() {
        assertThat(toJaicp("{'seq': 2, 'conversationId': 'jaicp:shop:u-1', 'type': 'operatorMessage', 'at': 'x', 'text': 'Hello', "
                + "'operator': {'id': 'anna@example.com', 'name': 'Anna'}}"))
                .contains(json("{'id': 'jaicp:shop:u-1:2', 'userId': 'u-1', 'type': 'TextMessage', 'text': 'Hello', "
                        + "'employee': {'employeeId': 'anna@example.com', 'firstName': 'Anna'}}"));
    }

    @Test
    void anOperatorFileIsAFileMessage() {
        assertThat(toJaicp("{'seq': 3, 'conversationId': 'jaicp:shop:u-1', 'type': 'operatorFile', 'url': 'https://cdn/m.pdf', "
                + "'name': 'm.pdf', 'size': 1000, 'operator': {'id': 'anna'}}"))
                .contains(json("{'id': 'jaicp:shop:u-1:3', 'userId': 'u-1', 'type': 'FileMessage', 'url': 'https://cdn/m.pdf', "
                        + "'name': 'm.pdf', 'size': 1000, 'employee': {'employeeId': 'anna'}}"));
        assertThat(toJaicp("{'seq': 4, 'conversationId': 'jaicp:shop:u-1', 'type': 'operatorFile', 'url': 'https://cdn/n'}"))
                .contains(json("{'id': 'jaicp:shop:u-1:4', 'userId': 'u-1', 'type': 'FileMessage', 'url': 'https://cdn/n'}"));
    }

    @ParameterizedTest(name = "[{index}] livechatFinished {0}")
    @ValueSource(strings = {"operatorClosed", "inactivity", "providerClosed", "clientClosed"})   // clientClosed: by operations, say
    void aFinishJaicpDidNotAskForIsClosed(String reason) {
        assertThat(toJaicp("{'seq': 5, 'conversationId': 'jaicp:shop:u-1', 'type': 'livechatFinished', 'reason': '" + reason + "'}"))
                .contains(json("{'id': 'jaicp:shop:u-1:5', 'userId': 'u-1', 'type': 'Closed'}"));
    }

    @Test
    void whatJaicpHasNoWordForIsNotSent() {
        assertThat(toJaicp("{'seq': 6, 'conversationId': 'jaicp:shop:u-1', 'type': 'livechatFinished', 'reason': 'clientClosed', "
                + "'closedBy': 'jaicp'}")).isEmpty(); // JAICP's own closeChat
        assertThat(toJaicp("{'seq': 1, 'conversationId': 'jaicp:shop:u-1', 'type': 'operatorJoined', 'operator': {'id': 'a'}}")).isEmpty();
        assertThat(toJaicp("{'seq': 7, 'conversationId': 'jaicp:shop:u-1', 'type': 'chatTransferred'}")).isEmpty();
        assertThat(toJaicp("{'seq': 8, 'conversationId': 'jaicp:shop:u-1', 'type': 'noLivechatOperatorsOnline'}")).isEmpty();
    }

    @Test
    void theIdIsTheSameOnEveryRetry() {
        String event = "{'seq': 9, 'conversationId': 'jaicp:shop:u-1', 'type': 'operatorMessage', 'text': 'x'}";
        assertThat(toJaicp(event)).isEqualTo(toJaicp(event));
    }

    // ------------------------------------------------------------------ getDestinations

    static final Destination SUPPORT = new Destination("support", "livechat", "First-line support", List.of("1", "2"));
    static final Destination SALES = new Destination("sales", "livetex", null, List.of("54321"));

    @Test
    void aDestinationHasSomeoneOnlineWhenOneOfItsGroupsIs() {
        assertThat(Availability.online(List.of("2", "7")).anyOnline(SUPPORT.groupIds())).isTrue();
        assertThat(Availability.online(List.of("7")).anyOnline(SUPPORT.groupIds())).isFalse();
        assertThat(Availability.online(List.of()).anyOnline(SUPPORT.groupIds())).isFalse();
        assertThat(Availability.unknown().anyOnline(SUPPORT.groupIds())).isFalse();
        // a provider that cannot be asked without tokens (LiveChat without a license id): the switch finds out
        assertThat(Availability.notAsked().anyOnline(SUPPORT.groupIds())).isTrue();
        assertThat(Availability.online(List.of("54321")).anyOnline(SALES.groupIds())).isTrue();
        assertThat(Availability.online(List.of("1")).anyOnline(SALES.groupIds())).isFalse();
    }

    @Test
    void theProvidersAnswersAreReadForWhoIsOnline() {
        LiveChatProvider livechat = new LiveChatProvider(null);
        assertThat(livechat.availability(Map.of("livechat", Map.of("online_group_ids", List.of(0, 2)))).onlineGroups())
                .containsExactlyInAnyOrder("0", "2");
        assertThat(livechat.availability(Map.of("livechat", Map.of())).onlineGroups()).isEmpty();
        assertThat(livechat.availability(Map.of()).onlineGroups()).isEmpty();
        assertThat(livechat.availability(Map.of("livechat", Map.of("online_group_ids", "2"))).onlineGroups()).isEmpty();

        LiveTexProvider livetex = new LiveTexProvider(null);
        assertThat(livetex.availability(Map.of("destinations", List.of(
                Map.of("destination_id", 54321, "has_online", true),
                Map.of("destination_id", "11", "has_online", false),
                Map.of("destination_id", "12"),
                "garbage",
                Map.of("destination_id", "13", "has_online", "true")))).onlineGroups()).containsExactly("54321");
        assertThat(livetex.availability(Map.of()).onlineGroups()).isEmpty();
    }
}
