package io.handoff.gateway.dialogflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;

class DialogflowEndpointsTest {

    private static final String A = "0b6c0f4e-1111-2222-3333-444455556666";

    @ParameterizedTest(name = "{0} {1} env={2}")
    @CsvSource(nullValues = "-", value = {
        // CX: the location is always in the path; the host follows it
        "CX, global,       -,    https://dialogflow.googleapis.com/v3/projects/my-project/locations/global/agents/" + A + "/sessions/s-1:detectIntent",
        "CX, global,       prod, https://dialogflow.googleapis.com/v3/projects/my-project/locations/global/agents/" + A + "/environments/prod/sessions/s-1:detectIntent",
        "CX, europe-west1, -,    https://europe-west1-dialogflow.googleapis.com/v3/projects/my-project/locations/europe-west1/agents/" + A + "/sessions/s-1:detectIntent",
        "CX, us-central1,  e-2,  https://us-central1-dialogflow.googleapis.com/v3/projects/my-project/locations/us-central1/agents/" + A + "/environments/e-2/sessions/s-1:detectIntent",
        // ES: global has no /locations/global; an environment adds /users/-
        "ES, global,       -,    https://dialogflow.googleapis.com/v2/projects/my-project/agent/sessions/s-1:detectIntent",
        "ES, global,       prod, https://dialogflow.googleapis.com/v2/projects/my-project/agent/environments/prod/users/-/sessions/s-1:detectIntent",
        "ES, europe-west2, -,    https://europe-west2-dialogflow.googleapis.com/v2/projects/my-project/locations/europe-west2/agent/sessions/s-1:detectIntent",
        "ES, asia-northeast1, draft-2, https://asia-northeast1-dialogflow.googleapis.com/v2/projects/my-project/locations/asia-northeast1/agent/environments/draft-2/users/-/sessions/s-1:detectIntent",
    })
    void detectIntentUrls(Edition edition, String location, String environment, String expected) {
        var agent = edition == Edition.CX ? Agents.cx(location, environment) : Agents.es(location, environment);
        assertThat(DialogflowEndpoints.detectIntentUrl(agent, "s-1")).isEqualTo(expected);
    }

    @Test
    void anExplicitApiUrlReplacesTheHostAndLosesItsTrailingSlash() {
        var agent = Agents.agent(Edition.ES, "p", "global", null, "", "http://127.0.0.1:8089/", null);
        assertThat(DialogflowEndpoints.detectIntentUrl(agent, "abc"))
                .isEqualTo("http://127.0.0.1:8089/v2/projects/p/agent/sessions/abc:detectIntent");
    }

    @Test
    void aSessionIdThatIsNotOneIsRefusedRatherThanPutInThePath() {
        assertThatThrownBy(() -> DialogflowEndpoints.detectIntentUrl(Agents.cx("global", ""), "a/b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DialogflowEndpoints.detectIntentUrl(Agents.cx("global", ""), "x".repeat(37)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
