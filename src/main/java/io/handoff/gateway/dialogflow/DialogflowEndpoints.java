package io.handoff.gateway.dialogflow;

import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;
import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;

/**
 * The REST resources of an agent (shared/spec/gateway-api.md §7; reference/livetex-jaicp-dialogflow.md §3.6.2):
 * <ul>
 * <li>CX: {@code {api}/v3/projects/{p}/locations/{l}/agents/{a}[/environments/{e}]/sessions/{s}:detectIntent}</li>
 * <li>ES: {@code {api}/v2/projects/{p}[/locations/{l}]/agent[/environments/{e}/users/-]/sessions/{s}:detectIntent};
 * the global location has no {@code /locations/global} segment.</li>
 * </ul>
 * The host must match the location (a regional agent on the global host is Google's "No DesignTimeAgent found"),
 * which {@link Agent#apiUrl()}'s default does. Every segment was validated at start-up and the session id comes from
 * {@link DialogflowSessions}, so nothing here needs escaping.
 */
public final class DialogflowEndpoints {

    /** The OAuth2 scope of the Dialogflow API (both editions). */
    public static final String SCOPE = "https://www.googleapis.com/auth/dialogflow";

    private DialogflowEndpoints() {
    }

    /** The agent's session resource path, without the API URL and method, e.g. {@code /v3/projects/p/.../sessions/s}. */
    public static String sessionPath(Agent agent, String sessionId) {
        if (!DialogflowSessions.isValidSessionId(sessionId)) {
            throw new IllegalArgumentException("not a Dialogflow session id: use DialogflowSessions.sessionId");
        }
        StringBuilder path = new StringBuilder();
        if (agent.edition() == Edition.CX) {
            path.append("/v3/projects/").append(agent.projectId())
                    .append("/locations/").append(agent.location())
                    .append("/agents/").append(agent.agentId());
            if (agent.hasEnvironment()) {
                path.append("/environments/").append(agent.environment());
            }
        } else {
            path.append("/v2/projects/").append(agent.projectId());
            if (!"global".equals(agent.location())) {
                path.append("/locations/").append(agent.location());
            }
            path.append("/agent");
            if (agent.hasEnvironment()) {
                path.append("/environments/").append(agent.environment()).append("/users/-");
            }
        }
        return path.append("/sessions/").append(sessionId).toString();
    }

    /** The URL to POST a detectIntent request to. */
    public static String detectIntentUrl(Agent agent, String sessionId) {
        return agent.apiUrl() + sessionPath(agent, sessionId) + ":detectIntent";
    }
}
