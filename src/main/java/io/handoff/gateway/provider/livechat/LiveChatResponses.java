package io.handoff.gateway.provider.livechat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.provider.ProviderAuthenticationException;
import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.provider.ProviderTransientException;

/**
 * Reads what a LiveChat endpoint answered. Success becomes a Map body; an error becomes the exception
 * the retry policies act on (provider-retry, livechat-reauth in error-handling.yaml): transient ones are retried with
 * backoff, {@code authentication} once with fresh tokens, {@code misdirected_request} once in the region it names
 * ({@link LiveChatRegions}), the rest reported to the bot as 502.
 */
@Component("livechatResponses")
public class LiveChatResponses {

    /** Error types LiveChat documents as temporary (reference §6). */
    static final Set<String> TRANSIENT = Set.of("too_many_requests", "service_unavailable", "internal", "request_timeout");
    /** Temporary types that mean "not now" rather than "broken": reported as 503 after the retries. */
    static final Set<String> UNAVAILABLE = Set.of("too_many_requests", "service_unavailable", "request_timeout");

    private final ObjectMapper json;
    private final LiveChatRegions regions;

    public LiveChatResponses(ObjectMapper json, LiveChatRegions regions) {
        this.json = json;
        this.regions = regions;
    }

    /**
     * Exchange property {@code livechatAcceptErrors} may list (comma-separated) error types the caller
     * handles itself: they come back as the body {@code {"error": {...}}} instead of an exception. The
     * flow route sets it around one call and removes it after; it must survive the token calls made
     * on the way, so it is not cleared here.
     */
    public Object read(Exchange exchange) {
        String accepted = exchange.getProperty("livechatAcceptErrors", String.class);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String text = exchange.getMessage().getBody(String.class);
        // the response's headers must not travel on; the retry count must, until the call succeeds
        exchange.getMessage().removeHeaders("*", "CamelRedelivery*");
        Object answer;
        try {
            answer = interpret(status, text, accepted);
        } catch (LiveChatMisdirectedException misdirected) {
            regions.regionNamed(exchange.getProperty("livechatOrganizationId", String.class), misdirected.region());
            throw misdirected;
        }
        answered(exchange);
        return answer;
    }

    /**
     * What {@link #read(Exchange)} decides, without the exchange: the success body (or an accepted error body), or
     * the exception for the retry policies.
     */
    Object interpret(int status, String text, String accepted) {
        Object parsed = parse(text);
        if (status >= 200 && status < 300) {
            return parsed == null ? new LinkedHashMap<>() : parsed; // an object, or an array (list_webhooks)
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = parsed instanceof Map<?, ?> map ? (Map<String, Object>) map : new LinkedHashMap<>();
        String type = errorType(body);
        String message = errorMessage(body);
        if (type != null && accepted != null && Arrays.asList(accepted.split(",")).contains(type)) {
            return body;
        }
        String namedRegion = LiveChatRegions.MISDIRECTED.equals(type)
                ? LiveChatRegions.asRegion(errorData(body).get("region")) : null;
        if (namedRegion != null) {
            throw new LiveChatMisdirectedException(status, message, namedRegion);
        }
        if ("authentication".equals(type) || status == 401) {
            throw new ProviderAuthenticationException("LiveChat", status, type, message);
        }
        if (status >= 500 || status == 429 || (type != null && TRANSIENT.contains(type))) {
            boolean unavailable = status == 429 || status == 503 || status == 504 || (type != null && UNAVAILABLE.contains(type));
            throw new ProviderTransientException("LiveChat", status, type, message, unavailable);
        }
        throw new ProviderException("LiveChat", status, type, message, false, false);
    }

    /** The call is settled: the next call starts with a fresh retry count. */
    private static void answered(Exchange exchange) {
        exchange.getMessage().removeHeaders("CamelRedelivery*");
    }

    /**
     * An accepted error body the caller could not act on after all, as the failure it would have been. LiveChat
     * refuses with a 4xx (the status of each type is undocumented, and an accepted body no longer has it).
     */
    public static ProviderException refusal(Map<String, Object> errorBody) {
        return new ProviderException("LiveChat", 400, errorType(errorBody), errorMessage(errorBody), false, false);
    }

    /** The error type of an accepted error body, or null for a success body. */
    public static String errorTypeOf(Map<String, Object> body) {
        return body.containsKey("error") ? errorType(body) : null;
    }

    private Object parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json.readValue(text, Object.class);
        } catch (JsonProcessingException notJson) {
            return null; // an HTML error page from a proxy, say: classified by status alone
        }
    }

    /** The three shapes LiveChat uses: API errors, OAuth errors of the accounts service, RFC 6749 errors. */
    private static String errorType(Map<String, Object> body) {
        if (body.get("error") instanceof Map<?, ?> error && error.get("type") instanceof String type) {
            return type;
        }
        if (body.get("oauth_exception") instanceof String type) {
            return type;
        }
        return body.get("error") instanceof String type ? type : null;
    }

    private static Map<?, ?> errorData(Map<String, Object> body) {
        return body.get("error") instanceof Map<?, ?> error && error.get("data") instanceof Map<?, ?> data ? data : Map.of();
    }

    private static String errorMessage(Map<String, Object> body) {
        Object message = null;
        if (body.get("error") instanceof Map<?, ?> error) {
            message = error.get("message");
        } else if (body.containsKey("exception_description")) {
            message = body.get("exception_description");
        } else if (body.containsKey("error_description")) {
            message = body.get("error_description");
        }
        return message == null ? null : String.valueOf(message);
    }
}
