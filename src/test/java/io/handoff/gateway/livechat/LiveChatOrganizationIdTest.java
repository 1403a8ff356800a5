package io.handoff.gateway.livechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;

/**
 * With no organization_id configured and none in the grant answer, the gateway asks
 * get_dynamic_configuration with the license id, once, and uses the answer on every customer call.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LiveChatOrganizationIdTest {

    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> "k");
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        registry.add("handoff.livechat.api-url", LIVECHAT::apiUrl);
        registry.add("handoff.livechat.accounts-url", LIVECHAT::accountsUrl);
        registry.add("handoff.livechat.client-id", () -> FakeLiveChat.CLIENT_ID);
        registry.add("handoff.livechat.agent-token", () -> FakeLiveChat.AGENT_TOKEN);
        registry.add("handoff.livechat.license-id", () -> FakeLiveChat.LICENSE_ID);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:organization-id;DB_CLOSE_DELAY=-1");
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stop() {
        LIVECHAT.close();
    }

    @Test
    void theOrganizationIdIsLookedUpOnceByLicenseId() {
        LIVECHAT.omitOrganizationIdInGrant(true);
        LIVECHAT.groupStatus(1, "online");
        GatewayClient bot = new GatewayClient(port, "k");

        for (String id : new String[] {"org-1", "org-2"}) {
            assertThat(bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                    "switch", Map.of("firstMessage", "hi")))).status()).isEqualTo(201);
        }

        assertThat(LIVECHAT.count("get_dynamic_configuration")).isEqualTo(1);
        assertThat(LIVECHAT.bodies("get_dynamic_configuration").get(0).path("license_id").asText())
                .isEqualTo(FakeLiveChat.LICENSE_ID);
        assertThat(LIVECHAT.count("start_chat")).isEqualTo(2);
    }

    @Test
    void theBotApiIsDescribedAsOpenApiAtApiDoc() {
        GatewayClient.Response doc = new GatewayClient(port, null).get("/api-doc");

        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.json().path("openapi").asText()).startsWith("3.");
        assertThat(doc.json().path("paths").fieldNames()).toIterable().contains(
                "/api/v1/handoffs", "/api/v1/conversations/{id}", "/api/v1/conversations/{id}/messages",
                "/api/v1/conversations/{id}/close", "/api/v1/conversations/{id}/events",
                "/webhooks/livechat", "/webhooks/livetex");
    }
}
