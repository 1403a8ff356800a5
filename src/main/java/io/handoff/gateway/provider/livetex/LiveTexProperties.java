package io.handoff.gateway.provider.livetex;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Everything under {@code handoff.livetex.*} (names in shared/spec/gateway-api.md and the README). */
@ConfigurationProperties("handoff.livetex")
public record LiveTexProperties(
        @DefaultValue("https://messaging.livetex.ru/1.0") String apiUrl,
        String key,
        String webhookKey,
        /* the gateway's public base URL: when set, setWebhook is called at start-up */
        String publicUrl,
        /* LiveTex user_id = this prefix + conversationId (LiveTex groups a user's appeals by it) */
        @DefaultValue("") String userIdPrefix,
        /* LiveTex has no close call: the operator is told this when the client ends the chat without lastMessage */
        @DefaultValue("The client has ended the chat.") String closeNote) {
}
