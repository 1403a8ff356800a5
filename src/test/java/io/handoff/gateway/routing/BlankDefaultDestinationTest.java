package io.handoff.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The documented "a switch must name its destination" set-up: {@code handoff.default-destination} blank, as
 * {@code HANDOFF_DEFAULT_DESTINATION=} or {@code default-destination: ""} bind it. The gateway starts, and a
 * switch without a destination is a 422 problem that names the setting.
 */
class BlankDefaultDestinationTest extends SalesOnlyDeployment {

    @DynamicPropertySource
    static void blankDefault(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:blank-default-destination;DB_CLOSE_DELAY=-1");
        registry.add("handoff.default-destination", () -> "");
    }

    @Test
    void aSwitchWithoutDestinationIsRefusedWith422NamingTheSetting() {
        assertThat(refusedSwitch("blank-default-1", "{\"firstMessage\":\"a person please\"}")
                .json().path("detail").asText()).contains("handoff.default-destination is not set");
    }
}
