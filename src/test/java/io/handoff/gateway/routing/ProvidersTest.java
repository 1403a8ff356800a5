package io.handoff.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.provider.Provider;
import io.handoff.gateway.provider.ProviderNotBuiltException;
import io.handoff.gateway.provider.Providers;

/** The start-up checks of the destination table against the providers the gateway is built with. */
class ProvidersTest {

    static final Provider ACME = new Provider() {
        @Override
        public String name() {
            return "acme";
        }

        @Override
        public Map<String, URI> healthEndpoints() {
            return Map.of();
        }
    };

    static HandoffProperties properties(Map<String, HandoffProperties.Destination> destinations, List<String> planned) {
        return new HandoffProperties(null, destinations, null, planned, null, null, null, null, null, null);
    }

    @Test
    void aDestinationOnAProviderThatIsNotBuiltStopsTheStartNamingTheFix() {
        HandoffProperties config = properties(Map.of("legacy", new HandoffProperties.Destination("zendesk", null, List.of("9"))), List.of());

        assertThatThrownBy(() -> new Destinations(config, new Providers(List.of(ACME), config)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("handoff.destinations.legacy.provider is 'zendesk'")
                .hasMessageContaining("built: acme")
                .hasMessageContaining("handoff.planned-providers");
    }

    @Test
    void aPlannedProviderStartsAndAnswers501WhileAForgottenDispatchFailsLoudly() {
        HandoffProperties config = properties(Map.of("legacy", new HandoffProperties.Destination("zendesk", null, List.of("9")),
                "main", new HandoffProperties.Destination("acme", null, List.of("1"))), List.of("zendesk"));
        Providers providers = new Providers(List.of(ACME), config);

        assertThat(new Destinations(config, providers).names()).containsExactlyInAnyOrder("legacy", "main");
        assertThatThrownBy(() -> providers.notDispatched("legacy", "zendesk", "handoff"))
                .isInstanceOf(ProviderNotBuiltException.class).hasMessageContaining("zendesk");
        assertThatThrownBy(() -> providers.notDispatched("main", "acme", "close"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no 'when' for provider 'acme'");
    }

    @Test
    void eachProviderOffersTheSameEntryPoints() {
        assertThat(ACME.entryPoints()).containsExactly("acme-handoff", "acme-relay", "acme-close", "acme-availability");
    }
}
