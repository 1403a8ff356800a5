package io.handoff.gateway.dialogflow;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.support.Postgres;

/** The Dialogflow front door on PostgreSQL (reachable on CI). */
@EnabledIf("io.handoff.gateway.support.Postgres#reachable")
class DialogflowFrontDoorPostgresTest extends DialogflowFrontDoorScenarios {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        doorProperties(registry);
        Postgres.register(registry, "dialogflow_door");
    }
}
