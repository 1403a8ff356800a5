package io.handoff.gateway.livechat;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The LiveChat relay on the embedded H2 store. */
class LiveChatRelayH2Test extends LiveChatRelayScenarios {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        relayProperties(registry);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:livechat-relay;DB_CLOSE_DELAY=-1");
    }
}
