package io.handoff.gateway.provider.livechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Which X-Region a Customer Chat API call sends, and what a misdirected_request teaches the gateway. */
class LiveChatRegionsTest {

    static final String ORGANIZATION = "390e44e6-f1e6-4c8e-9a6d-74a14508c2e1";
    static final String MISDIRECTED = "{\"error\":{\"type\":\"misdirected_request\",\"message\":\"Wrong region\","
            + "\"data\":{\"region\":\"fra\"}}}";

    final DefaultCamelContext camel = new DefaultCamelContext();

    static LiveChatRegions regions(Map<String, String> settings) {
        LiveChatProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("handoff.livechat", LiveChatProperties.class);
        return new LiveChatRegions(properties);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "dal:not-a-token, dal",
            "fra:abc, fra",
            "fra-a:abc, fra-a",
            "us-south1:abc:def, us-south1",    // the first colon ends the prefix
            "no-prefix-at-all, none",
            ":abc, none",
            "d:abc, none",                     // too short for a region
            "DAL:abc, none",                   // regions are lower case
            "dal x:abc, none",
            "none, none"})
    void theRegionIsTheTokensPrefixWhenItLooksLikeOne(String token, String region) {
        assertThat(LiveChatRegions.regionOfToken(token)).isEqualTo(region);
    }

    @Test
    void nothingButARegionNameReachesTheHeader() {
        assertThat(LiveChatRegions.regionOfToken("dal\r\nX-Other: 1:abc")).isNull();
        assertThat(LiveChatRegions.asRegion("fra\r\nX-Other: 1")).isNull();
        assertThat(LiveChatRegions.asRegion(42)).isNull();
        assertThat(LiveChatRegions.asRegion("fra-a")).isEqualTo("fra-a");
    }

    @Test
    void byDefaultACallSendsItsTokensRegionAndOnceLiveChatNamedAnotherThatOne() {
        LiveChatRegions regions = regions(Map.of());

        assertThat(sentBy(regions, ORGANIZATION, "dal:abc")).isEqualTo("dal");
        assertThat(sentBy(regions, ORGANIZATION, "opaque-token")).isNull();
        assertThat(regions.namedAnotherRegion(ORGANIZATION, "dal")).isFalse(); // nothing named yet

        regions.regionNamed(ORGANIZATION, "fra");

        assertThat(regions.namedAnotherRegion(ORGANIZATION, "dal")).isTrue();   // worth one more try
        assertThat(regions.namedAnotherRegion(ORGANIZATION, null)).isTrue();
        assertThat(regions.namedAnotherRegion(ORGANIZATION, "fra")).isFalse();  // it was sent already: no use
        assertThat(sentBy(regions, ORGANIZATION, "dal:abc")).isEqualTo("fra");
        assertThat(sentBy(regions, ORGANIZATION, "opaque-token")).isEqualTo("fra");
        assertThat(sentBy(regions, "another-organization", "dal:abc")).isEqualTo("dal");
    }

    @Test
    void switchedOffNoCallSendsARegionAndAMisdirectedOneIsNotTriedAgain() {
        LiveChatRegions regions = regions(Map.of("handoff.livechat.region-header", "false"));

        regions.regionNamed(ORGANIZATION, "fra");

        assertThat(sentBy(regions, ORGANIZATION, "dal:abc")).isNull();
        assertThat(regions.namedAnotherRegion(ORGANIZATION, null)).isFalse();
    }

    @Test
    void aMisdirectedAnswerNamesTheRegionTheNextCallsSend() {
        LiveChatRegions regions = regions(Map.of());
        LiveChatResponses responses = new LiveChatResponses(new ObjectMapper(), regions);
        Exchange answer = new DefaultExchange(camel);
        answer.setProperty("livechatOrganizationId", ORGANIZATION);
        answer.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 421);
        answer.getMessage().setBody(MISDIRECTED);

        LiveChatMisdirectedException misdirected =
                catchThrowableOfType(() -> responses.read(answer), LiveChatMisdirectedException.class);

        assertThat(misdirected.region()).isEqualTo("fra");
        assertThat(misdirected.retryable()).isFalse(); // not with backoff: once, at once, by livechat-reauth
        assertThat(sentBy(regions, ORGANIZATION, "dal:abc")).isEqualTo("fra");
    }

    /** What addRegionHeader leaves on a call: the X-Region header, and the same in property livechatRegion. */
    String sentBy(LiveChatRegions regions, String organizationId, String customerToken) {
        Exchange call = new DefaultExchange(camel);
        call.setProperty("livechatOrganizationId", organizationId);
        call.setProperty("livechatCustomerToken", customerToken);
        call.getMessage().setHeader(LiveChatRegions.HEADER, "left over from an earlier call");
        regions.addRegionHeader(call);
        String sent = call.getMessage().getHeader(LiveChatRegions.HEADER, String.class);
        assertThat(call.getProperty(LiveChatRegions.SENT_PROPERTY, String.class)).isEqualTo(sent);
        return sent;
    }
}
