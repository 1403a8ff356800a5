package io.handoff.gateway.api;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.springframework.web.util.UriUtils;

/**
 * Path parameters as the bot meant them. The REST consumer hands them over still percent-encoded, and a
 * bot may well encode the ':' of {@code jaicp:shop:42} or the '@' of an e-mail-like id.
 */
public final class PathParameters {

    private PathParameters() {
    }

    /** The {@code {id}} of {@code /api/v1/conversations/{id}/...}, decoded. */
    public static String conversationId(Exchange exchange) {
        String raw = exchange.getMessage().getHeader("id", String.class);
        return raw == null ? null : UriUtils.decode(raw, StandardCharsets.UTF_8);
    }
}
