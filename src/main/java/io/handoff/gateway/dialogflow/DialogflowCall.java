package io.handoff.gateway.dialogflow;

import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;

/**
 * One detectIntent call for direct:dialogflow-detect-intent (exchange property {@code dialogflowCall}): the agent
 * (its name selects the credentials), the session's URL and the request body. No token: that is fetched in the route,
 * straight into the Authorization header.
 */
public record DialogflowCall(String agentName, Agent agent, String conversationId, String url, String body) {

    @Override
    public String toString() {
        return "DialogflowCall[" + agentName + " " + url + "]";
    }
}
