package io.handoff.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * A deployment whose own table is one destination, {@code sales} (LiveChat), and nothing else: the jar's
 * built-in configuration adds none. The subclasses set {@code handoff.default-destination}.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class SalesOnlyDeployment {

    static final String API_KEY = "sales-only-deployment-key";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();

    @DynamicPropertySource
    static void salesOnly(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.destinations.sales.provider", () -> "livechat");
        registry.add("handoff.destinations.sales.group-ids", () -> String.valueOf(FakeLiveChat.DEFAULT_GROUP));
        registry.add("handoff.livechat.api-url", LIVECHAT::apiUrl);
        registry.add("handoff.livechat.accounts-url", LIVECHAT::accountsUrl);
        registry.add("handoff.livechat.client-id", () -> FakeLiveChat.CLIENT_ID);
        registry.add("handoff.livechat.agent-token", () -> FakeLiveChat.AGENT_TOKEN);
    }

    @LocalServerPort
    int port;

    /** POSTs a handoff of a new conversation with this switch object; asserts the 422 and that nothing happened. */
    Response refusedSwitch(String conversationId, String switchJson) {
        GatewayClient bot = new GatewayClient(port, API_KEY);
        Response answer = bot.post("/api/v1/handoffs",
                "{\"conversationId\":\"" + conversationId + "\",\"switch\":" + switchJson + "}");

        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.type()).isEqualTo("urn:handoff:problem:unknown-destination");
        assertThat(answer.json().path("knownDestinations").toString()).isEqualTo("[\"sales\"]");
        assertThat(LIVECHAT.count("start_chat")).isZero();
        // like a 400, the refusal is about the input: the conversation stays unknown
        assertThat(bot.get("/api/v1/conversations/" + conversationId).status()).isEqualTo(404);
        return answer;
    }
}
