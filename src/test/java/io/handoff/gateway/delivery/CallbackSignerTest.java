package io.handoff.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.handoff.gateway.HandoffProperties;

/**
 * Known answers for {@code X-Handoff-Signature}: the bot checks it with its own HMAC library, so the fake bot of the
 * scenario tests, which checks with this class, cannot tell a wrong algorithm or encoding; these values can.
 */
class CallbackSignerTest {

    @Test
    void theHmacIsSha256InLowerCaseHex() {
        // RFC 4231, test case 2
        assertThat(CallbackSigner.hmac("Jefe".getBytes(StandardCharsets.US_ASCII), "what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void thePushIsSignedWithTheConfiguredSecretOverItsUtf8Body() {
        HandoffProperties properties = new Binder(new MapConfigurationPropertySource(
                Map.of("handoff.callback.secret", "callback-secret"))).bindOrCreate("handoff", HandoffProperties.class);
        String body = "{\"seq\":1,\"conversationId\":\"shop:user-42\",\"type\":\"operatorJoined\",\"text\":\"Привет\"}";

        // computed apart: python3 -c "import hmac,hashlib; print(hmac.new(b'callback-secret', body.encode(), hashlib.sha256).hexdigest())"
        assertThat(new CallbackSigner(properties).signature(new BotPush("shop:user-42", "http://bot", body, true)))
                .isEqualTo("sha256=9cbdba0f990626c6d46f49915cb552e89e99eacb91d027fedff393cf4e165783");
    }
}
