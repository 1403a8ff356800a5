package io.handoff.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A deployment's {@code handoff.destinations} is the whole table: the jar adds no destination of its own
 * (Spring Boot merges maps from every source, so one in the jar's application.yaml would join every
 * deployment's). A deployment with only {@code sales} has no {@code support}: a switch to it is refused.
 */
class OwnDestinationsOnlyTest extends SalesOnlyDeployment {

    @DynamicPropertySource
    static void salesByDefault(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:own-destinations-only;DB_CLOSE_DELAY=-1");
        registry.add("handoff.default-destination", () -> "sales");
    }

    @Test
    void aSwitchToSupportIsAnUnknownDestinationListingOnlyTheDeploymentsOwn() {
        assertThat(refusedSwitch("own-destinations-1", "{\"destination\":\"support\"}")
                .json().path("detail").asText()).contains("Unknown destination 'support'");
    }
}
