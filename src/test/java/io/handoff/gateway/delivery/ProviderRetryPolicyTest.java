package io.handoff.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The provider calls' retry, as configured: error-handling.camel.yaml's provider-retry policy takes its numbers from
 * handoff.retry in application.yaml, and Camel's own RedeliveryPolicy turns them into the schedule. No Camel
 * context: the files are read as YAML and the policy is Camel's class.
 */
class ProviderRetryPolicyTest {

    @SuppressWarnings("unchecked")
    static <T> T load(String resource) throws IOException {
        try (InputStream in = ProviderRetryPolicyTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return (T) new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    /** The one handler of the route configuration that names {@code exception}. */
    static Map<String, Object> onException(String configurationId, String exception) throws IOException {
        List<Map<String, Object>> configurations = load("routes/error-handling.camel.yaml");
        Map<String, Object> configuration = configurations.stream()
                .map(c -> (Map<String, Object>) c.get("routeConfiguration"))
                .filter(c -> configurationId.equals(c.get("id"))).findFirst().orElseThrow();
        List<Map<String, Object>> handlers = ((List<Map<String, Object>>) configuration.get("onException")).stream()
                .map(h -> (Map<String, Object>) h.get("onException"))
                .filter(h -> ((List<String>) h.get("exception")).contains(exception)).toList();
        assertThat(handlers).as(configurationId + " handlers of " + exception).hasSize(1);
        return handlers.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> retryDefaults() throws IOException {
        Map<String, Object> application = load("application.yaml");
        return (Map<String, Object>) ((Map<String, Object>) application.get("handoff")).get("retry");
    }

    /** The delays Camel waits before each redelivery, as its error handler asks the policy for them. */
    static List<Long> schedule(RedeliveryPolicy policy) {
        List<Long> delays = new ArrayList<>();
        long delay = 0;
        for (int redelivery = 1; redelivery <= policy.getMaximumRedeliveries(); redelivery++) {
            delay = policy.calculateRedeliveryDelay(delay, redelivery);
            delays.add(delay);
        }
        return delays;
    }

    static RedeliveryPolicy policy(int maximumRedeliveries, long initialDelay, double multiplier, long maxDelay) {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(maximumRedeliveries);
        policy.setRedeliveryDelay(initialDelay);
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(multiplier);
        policy.setMaximumRedeliveryDelay(maxDelay);
        return policy;
    }

    @Test
    @SuppressWarnings("unchecked")
    void transientFailuresAreRetriedWithTheHandoffRetrySettings() throws IOException {
        Map<String, Object> handler = onException("provider-retry", "java.io.IOException");

        assertThat((List<String>) handler.get("exception")).containsExactlyInAnyOrder(
                "io.handoff.gateway.provider.ProviderTransientException", "java.io.IOException");
        Map<String, Object> policy = (Map<String, Object>) handler.get("redeliveryPolicy");
        assertThat(policy).containsEntry("maximumRedeliveries", "{{handoff.retry.max-redeliveries}}")
                .containsEntry("redeliveryDelay", "{{handoff.retry.initial-delay}}")
                .containsEntry("useExponentialBackOff", true)
                .containsEntry("backOffMultiplier", "{{handoff.retry.multiplier}}")
                .containsEntry("maximumRedeliveryDelay", "{{handoff.retry.max-delay}}");
    }

    @Test
    void theDefaultScheduleIsThreeRetriesAfter200_400_800Milliseconds() throws IOException {
        Map<String, Object> retry = retryDefaults();
        assertThat(retry).containsEntry("max-redeliveries", 3).containsEntry("initial-delay", 200)
                .containsEntry("multiplier", 2.0).containsEntry("max-delay", 5000);

        RedeliveryPolicy policy = policy((Integer) retry.get("max-redeliveries"), ((Integer) retry.get("initial-delay")).longValue(),
                (Double) retry.get("multiplier"), ((Integer) retry.get("max-delay")).longValue());

        assertThat(schedule(policy)).containsExactly(200L, 400L, 800L);
    }

    @Test
    void theDelayStopsGrowingAtMaxDelay() {
        assertThat(schedule(policy(8, 200, 2.0, 5000))).containsExactly(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
        assertThat(schedule(policy(4, 20, 2.0, 100))).containsExactly(20L, 40L, 80L, 100L); // what the scenario tests set
    }

    @Test
    void aRefusedLiveChatTokenIsRetriedOnceAtOnceAfterReauthentication() throws IOException {
        for (String configuration : LIVECHAT_CONFIGURATIONS) {
            Map<String, Object> handler = oneRetryAtOnce(configuration, "io.handoff.gateway.provider.ProviderAuthenticationException");
            assertThat(handler).as(configuration).containsEntry("onRedeliveryRef", "livechatReauthenticate");
        }
    }

    @Test
    void aCallToTheWrongLiveChatRegionIsRetriedOnceAtOnceOnlyWhenLiveChatNamedAnotherOne() throws IOException {
        for (String configuration : LIVECHAT_CONFIGURATIONS) {
            Map<String, Object> handler = oneRetryAtOnce(configuration, "io.handoff.gateway.provider.livechat.LiveChatMisdirectedException");
            assertThat(handler.get("onWhen").toString()).as(configuration).contains("livechatRegions", "namedAnotherRegion");
        }
    }

    /** The LiveChat flow routes' configurations: the bot's calls, and the client-message queue's. */
    static final List<String> LIVECHAT_CONFIGURATIONS = List.of("livechat-reauth", "livechat-reauth-queued");

    /** The configuration's handler of {@code exception} alone, which tries the call once more, at once. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> oneRetryAtOnce(String configuration, String exception) throws IOException {
        Map<String, Object> handler = onException(configuration, exception);
        assertThat((List<String>) handler.get("exception")).as(configuration).hasSize(1);
        assertThat((Map<String, Object>) handler.get("redeliveryPolicy")).as(configuration)
                .containsEntry("maximumRedeliveries", 1).containsEntry("redeliveryDelay", 0);
        return handler;
    }
}
