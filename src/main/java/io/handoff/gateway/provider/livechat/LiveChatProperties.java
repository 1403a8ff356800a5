package io.handoff.gateway.provider.livechat;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Everything under {@code handoff.livechat.*} (names in shared/spec/gateway-api.md and the README). */
@ConfigurationProperties("handoff.livechat")
public record LiveChatProperties(
        @DefaultValue("https://api.livechatinc.com/v3.6") String apiUrl,
        @DefaultValue("https://accounts.livechat.com") String accountsUrl,
        String clientId,
        String agentToken,
        String refreshToken,
        String clientSecret,
        String organizationId,
        String licenseId,
        String webhookSecret,
        /* the gateway's public base URL: when set, the relay's webhooks are registered at start-up */
        String publicUrl,
        /* tokens are renewed this long before LiveChat says they expire */
        @DefaultValue("5m") Duration tokenRenewBefore,
        /* resume_chat error types meaning "the chat is still active": the handoff then posts into it */
        @DefaultValue("chat_already_active") List<String> chatActiveErrorTypes,
        /* start_chat error types that may mean "the customer has a chat already" (LiveChat's type is unverified):
           the handoff then looks for the chat a start of its own whose answer was lost opened */
        @DefaultValue({"chat_limit_reached", "validation"}) List<String> chatLimitErrorTypes,
        /* a switch to a destination whose group was seen accepting chats this recently skips list_group_statuses */
        @DefaultValue("10s") Duration availabilityTtl,
        /* Customer Chat API calls send X-Region (the token's data-center prefix, or the region LiveChat named in a
           misdirected_request), as LiveChat's SDKs do; whether LiveChat still needs it is unverified */
        @DefaultValue("true") boolean regionHeader) {
}
