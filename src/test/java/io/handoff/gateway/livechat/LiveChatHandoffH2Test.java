package io.handoff.gateway.livechat;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The LiveChat handoff on the embedded H2 store (the default deployment). */
class LiveChatHandoffH2Test extends LiveChatHandoffScenarios {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        liveChatProperties(registry);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:livechat-handoff;DB_CLOSE_DELAY=-1");
    }
}
