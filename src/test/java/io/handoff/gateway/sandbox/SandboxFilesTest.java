package io.handoff.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * The sandbox allows its own simulator CDN as a file host, and nothing else on its port: the console's
 * settings (which show the API key) stay out of reach, however the path is spelled.
 */
class SandboxFilesTest extends SandboxTestContext {

    @Test
    void onlyTheSimulatorsCdnPathIsFetchable() {
        String id = newConversationId();
        Response handoff = bot().post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "switch", Map.of("destination", "support", "firstMessage", "files please"))));
        assertThat(handoff.status()).as(handoff.text()).isEqualTo(201);
        String chat = handoff.json().path("providerChatId").asText();

        for (String host : List.of("127.0.0.1", "localhost")) {
            String base = "http://" + host + ":" + port;
            Response sample = send(id, base + "/sandbox/livechat/cdn/sample/price-list.txt");
            assertThat(sample.status()).as(host + ": " + sample.text()).isEqualTo(202);
            for (String path : List.of("/sandbox/console/api/settings",
                    "/sandbox/livechat/cdn/../../console/api/settings",
                    "/sandbox/livechat/cdn//../../console/api/settings",
                    "/sandbox/livechat/cdn/..;/..;/console/api/settings",
                    "/sandbox/livechat/cdn/%2e%2e/%2e%2e/console/api/settings",
                    "/sandbox/livechat/cdn/..%2f..%2fconsole/api/settings",
                    "/api/v1/conversations/" + id)) {
                Response refused = send(id, base + path);
                assertThat(refused.status()).as(host + path + ": " + refused.text()).isEqualTo(400);
                assertThat(refused.json().path("detail").asText()).isEqualTo("the file could not be fetched");
            }
        }
        // only the two samples reached the operator
        long files = anonymous().get("/sandbox/console/api/chats/livechat/" + chat).text().split("\"type\":\"file\"", -1).length - 1;
        assertThat(files).isEqualTo(2);
    }

    private Response send(String id, String url) {
        return bot().post("/api/v1/conversations/" + id + "/messages", GatewayClient.json(Map.of(
                "messageId", java.util.UUID.randomUUID().toString(), "file", Map.of("url", url))));
    }
}
