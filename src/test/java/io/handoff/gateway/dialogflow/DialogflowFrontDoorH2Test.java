package io.handoff.gateway.dialogflow;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Dialogflow front door on the embedded H2 store. */
class DialogflowFrontDoorH2Test extends DialogflowFrontDoorScenarios {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        doorProperties(registry);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:dialogflow;DB_CLOSE_DELAY=-1");
    }
}
