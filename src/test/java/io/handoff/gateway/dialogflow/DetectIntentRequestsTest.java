package io.handoff.gateway.dialogflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class DetectIntentRequestsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final DetectIntentRequests requests = new DetectIntentRequests(json);

    @Test
    void cxTextHasTheLanguageBesideTheTextAndTheSessionTtl() {
        assertThat(requests.text(Agents.cx("global", ""), "I want a human", null).toString()).isEqualTo(
                "{\"queryInput\":{\"text\":{\"text\":\"I want a human\"},\"languageCode\":\"en\"},"
                        + "\"queryParams\":{\"sessionTtl\":\"86400s\"}}");
    }

    @Test
    void cxEventCarriesItsParametersAsSessionParameters() {
        ObjectNode parameters = json.createObjectNode().put("handoff_result", "operatorClosed");
        assertThat(requests.event(Agents.cx("global", ""), "handoff_ended", "de", parameters).toString()).isEqualTo(
                "{\"queryInput\":{\"event\":{\"event\":\"handoff_ended\"},\"languageCode\":\"de\"},"
                        + "\"queryParams\":{\"sessionTtl\":\"86400s\",\"parameters\":{\"handoff_result\":\"operatorClosed\"}}}");
    }

    @Test
    void esTextHasTheLanguageInsideTheTextAndNoQueryParams() {
        assertThat(requests.text(Agents.es("global", ""), "hi", "pt-BR").toString())
                .isEqualTo("{\"queryInput\":{\"text\":{\"text\":\"hi\",\"languageCode\":\"pt-BR\"}}}");
    }

    @Test
    void esEventIsNamedAndCarriesItsParameters() {
        assertThat(requests.event(Agents.es("global", ""), "no_operators_online", null, null).toString())
                .isEqualTo("{\"queryInput\":{\"event\":{\"name\":\"no_operators_online\",\"languageCode\":\"en\"}}}");
        ObjectNode parameters = json.createObjectNode().put("destination", "support");
        assertThat(requests.event(Agents.es("global", ""), "no_operators_online", null, parameters)
                .at("/queryInput/event/parameters/destination").asText()).isEqualTo("support");
    }

    @Test
    void aSessionTtlOfZeroIsNotSent() {
        var agent = Agents.withTtl(Agents.cx("global", ""), Duration.ZERO);
        assertThat(requests.text(agent, "hi", null).has("queryParams")).isFalse();
        assertThat(requests.text(Agents.withTtl(Agents.cx("global", ""), Duration.ofHours(2)), "hi", null)
                .at("/queryParams/sessionTtl").asText()).isEqualTo("7200s");
    }

    @Test
    void textIsCutTo256Characters() {
        String text = "a".repeat(300);
        assertThat(requests.text(Agents.cx("global", ""), text, null).at("/queryInput/text/text").asText())
                .isEqualTo("a".repeat(256));
        assertThat(DetectIntentRequests.cut("a".repeat(256))).hasSize(256);
        assertThat(DetectIntentRequests.cut("short")).isEqualTo("short");
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String text = "a".repeat(255) + "😀" + "tail";   // the emoji takes chars 255 and 256
        String cut = DetectIntentRequests.cut(text);
        assertThat(cut).isEqualTo("a".repeat(255));
        String emojis = "😀".repeat(200);                   // 400 UTF-16 units
        assertThat(DetectIntentRequests.cut(emojis)).isEqualTo("😀".repeat(128));
        assertThat(DetectIntentRequests.cut(emojis).codePointCount(0, DetectIntentRequests.cut(emojis).length()))
                .isEqualTo(128);
    }

    @Test
    void blankTextAndBadEventNamesAreRefused() {
        assertThatThrownBy(() -> requests.text(Agents.cx("global", ""), " ", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requests.event(Agents.cx("global", ""), "two words", null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
