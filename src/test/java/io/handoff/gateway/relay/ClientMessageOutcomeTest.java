package io.handoff.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import io.handoff.gateway.conversation.ClientQueue.Outcome;
import io.handoff.gateway.files.ClientFileRefusedException;
import io.handoff.gateway.files.FileNotFetchedException;
import io.handoff.gateway.provider.ChatEndedException;
import io.handoff.gateway.provider.ProviderAuthenticationException;
import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.provider.ProviderNotBuiltException;
import io.handoff.gateway.provider.ProviderTransientException;

/** What a failed delivery of a queued client message means: tried again (null), or the bot is told why. */
class ClientMessageOutcomeTest {

    @Test
    void whatThePlatformOrTheNetworkMayStillFixIsTriedAgain() {
        assertThat(ClientMessageDelivery.finalOutcome(new ProviderTransientException("livechat", 503, "service_unavailable", "x", true))).isNull();
        assertThat(ClientMessageDelivery.finalOutcome(new ProviderTransientException("livechat", 429, "too_many_requests", "x", true))).isNull();
        assertThat(ClientMessageDelivery.finalOutcome(new ProviderAuthenticationException("livechat", 401, "authentication", "x"))).isNull();
        assertThat(ClientMessageDelivery.finalOutcome(new ProviderException("livetex", 403, "forbidden", "x", false, false))).isNull();
        assertThat(ClientMessageDelivery.finalOutcome(ProviderException.notConfigured("livechat", "no agent token"))).isNull();
        assertThat(ClientMessageDelivery.finalOutcome(new ConnectException("refused"))).isNull();
        assertThat(ClientMessageDelivery.finalOutcome(new IOException("reset"))).isNull();
        assertThat(ClientMessageDelivery.finalOutcome(new IllegalStateException("unexpected"))).isNull();
    }

    @Test
    void whatWillNotChangeIsReportedWithItsReason() {
        assertThat(ClientMessageDelivery.finalOutcome(new ChatEndedException("livechat", "c"))).isEqualTo(Outcome.chatEnded);
        assertThat(ClientMessageDelivery.finalOutcome(new ProviderException("livechat", 400, "validation", "x", false, false)))
                .isEqualTo(Outcome.providerRejected);
        assertThat(ClientMessageDelivery.finalOutcome(new ProviderException("livetex", 404, "not_found", "x", false, false)))
                .isEqualTo(Outcome.providerRejected);
        assertThat(ClientMessageDelivery.finalOutcome(new ProviderNotBuiltException("support", "zendesk")))
                .isEqualTo(Outcome.providerRejected);
        assertThat(ClientMessageDelivery.finalOutcome(new FileNotFetchedException("the host answered HTTP 404")))
                .isEqualTo(Outcome.fileUnavailable);
        assertThat(ClientMessageDelivery.finalOutcome(ClientFileRefusedException.notFetched())).isEqualTo(Outcome.fileUnavailable);
    }
}
