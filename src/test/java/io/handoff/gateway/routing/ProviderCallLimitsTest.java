package io.handoff.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.handoff.gateway.api.ProblemException;

class ProviderCallLimitsTest {

    final CamelContext camel = new DefaultCamelContext();
    final ProviderCallLimits limits = new ProviderCallLimits(2);

    /** What the exchange's unit of work does as it completes. */
    static void complete(Exchange exchange) {
        List<Synchronization> onCompletion = exchange.getExchangeExtension().handoverCompletions();
        onCompletion.forEach(s -> s.onComplete(exchange));
    }

    @Test
    void aProviderTakesAtMostItsSlotsAndOneMoreIsRefusedWith503ProviderBusy() {
        limits.enter(new DefaultExchange(camel), "livechat");
        limits.enter(new DefaultExchange(camel), "livechat");

        assertThatThrownBy(() -> limits.enter(new DefaultExchange(camel), "livechat"))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(503);
                    assertThat(p.slug()).isEqualTo("provider-busy");
                    assertThat(p.retryAfterSeconds()).isEqualTo(5);
                    assertThat(p.extensions()).containsEntry("provider", "livechat").containsEntry("maxInFlight", 2);
                });
        limits.enter(new DefaultExchange(camel), "livetex"); // each provider its own
        assertThat(limits.inFlightByProvider()).isEqualTo(Map.of("livechat", 2, "livetex", 1));
    }

    @Test
    void anExchangeGivesItsSlotBackAsItCompletesAndHoldsOneHoweverOftenItCalls() {
        Exchange first = new DefaultExchange(camel);
        limits.enter(first, "livechat");
        limits.enter(first, "livechat"); // the same caller again (a handoff asking availability, say): the same slot
        assertThat(limits.inFlightByProvider()).containsEntry("livechat", 1);

        Exchange copy = first.copy(); // an enrich's copy is another caller, with an id of its own
        limits.enter(copy, "livechat");
        assertThat(limits.inFlightByProvider()).containsEntry("livechat", 2);

        complete(copy);
        complete(first);
        assertThat(limits.inFlightByProvider()).containsEntry("livechat", 0);
        limits.enter(new DefaultExchange(camel), "livechat");
        limits.enter(new DefaultExchange(camel), "livechat");
    }

    @Test
    void aFailedExchangeGivesItsSlotBackToo() {
        Exchange failed = new DefaultExchange(camel);
        limits.enter(failed, "livechat");
        failed.getExchangeExtension().handoverCompletions().forEach(s -> s.onFailure(failed));
        assertThat(limits.inFlightByProvider()).containsEntry("livechat", 0);
    }

    @Test
    void noSlotAtAllIsAMistakeTheStartRefuses() {
        assertThatThrownBy(() -> new ProviderCallLimits(0)).hasMessageContaining("handoff.provider-calls.max-in-flight");
    }

    @Test
    void aCallerGoingOnToAnotherProviderGivesTheSlotBackFirstAndOnlyOnce() {
        Exchange asking = new DefaultExchange(camel);
        limits.enter(asking, "livechat");
        limits.leave(asking, "livechat");
        assertThat(limits.inFlightByProvider()).containsEntry("livechat", 0);
        limits.enter(asking, "livetex");

        complete(asking); // the livechat slot is not given back twice
        assertThat(limits.inFlightByProvider()).isEqualTo(Map.of("livechat", 0, "livetex", 0));
        limits.leave(asking, "livetex"); // nothing held: nothing given
        limits.leave(new DefaultExchange(camel), "livechat");
        assertThat(limits.inFlightByProvider()).isEqualTo(Map.of("livechat", 0, "livetex", 0));

        Exchange caller = new DefaultExchange(camel);
        limits.enter(caller, "livechat");
        limits.leave(caller.copy(), "livechat"); // a copy holds nothing of the caller's
        assertThat(limits.inFlightByProvider()).containsEntry("livechat", 1);
    }
}
