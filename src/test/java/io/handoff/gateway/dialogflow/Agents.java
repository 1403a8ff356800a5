package io.handoff.gateway.dialogflow;

import java.time.Duration;

import org.springframework.core.io.Resource;

import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;
import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;
import io.handoff.gateway.dialogflow.DialogflowProperties.SwitchDefaults;

/** Agents for tests, as the binder would build them. */
final class Agents {

    private Agents() {
    }

    static Agent cx(String location, String environment) {
        return agent(Edition.CX, "my-project", location, "0b6c0f4e-1111-2222-3333-444455556666", environment, null,
                null);
    }

    static Agent es(String location, String environment) {
        return agent(Edition.ES, "my-project", location, null, environment, null, null);
    }

    static Agent agent(Edition edition, String project, String location, String agentId, String environment,
                       String apiUrl, Resource credentials) {
        return new Agent(edition, project, location, agentId, environment, "en", credentials, apiUrl, null,
                "handoff_ended", "no_operators_online", Duration.ofDays(1), SwitchDefaults.NONE);
    }

    static Agent withTtl(Agent agent, Duration ttl) {
        return new Agent(agent.edition(), agent.projectId(), agent.location(), agent.agentId(), agent.environment(),
                agent.languageCode(), agent.credentials(), agent.apiUrl(), agent.destination(), agent.resumeEvent(),
                agent.offlineEvent(), ttl, agent.switchDefaults());
    }
}
