package io.handoff.gateway.provider.livetex;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.provider.ProviderTransientException;

/**
 * Reads what a LiveTex Messaging API method answered ({@code {success, error_code, error_message}},
 * reference §2.4). Code 7 and HTTP 5xx are transient and retried (provider-retry); code 2, a key LiveTex
 * does not accept, is reported at once with what to fix, never retried in a loop; the other codes mean
 * the request or the account is wrong and are reported as they are.
 */
@Component("livetexResponses")
public class LiveTexResponses {

    static final int INTERNAL_ERROR = 7;
    static final int KEY_NOT_VALID = 2;

    private final ObjectMapper json;

    public LiveTexResponses(ObjectMapper json) {
        this.json = json;
    }

    public Map<String, Object> read(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String text = exchange.getMessage().getBody(String.class);
        exchange.getMessage().removeHeaders("*", "CamelRedelivery*");
        Map<String, Object> body = interpret(status, text);
        exchange.getMessage().removeHeaders("CamelRedelivery*"); // the next call starts a fresh retry count
        return body;
    }

    /** What {@link #read(Exchange)} decides, without the exchange: the success body, or the exception to throw. */
    Map<String, Object> interpret(int status, String text) {
        Map<String, Object> body = parse(text);
        if (status >= 200 && status < 300 && !Boolean.FALSE.equals(body.get("success"))) {
            return body;
        }
        int code = body.get("error_code") instanceof Number n ? n.intValue() : 0;
        String message = body.get("error_message") instanceof String s ? s : null;
        String type = code == 0 ? null : "error_code " + code;
        if (code == KEY_NOT_VALID) {
            throw new ProviderException("LiveTex", status, type,
                    "the access key is not valid: check handoff.livetex.key", false, false);
        }
        if (code == INTERNAL_ERROR || status >= 500 || status == 429) {
            boolean unavailable = status == 429 || status == 503 || status == 504;
            throw new ProviderTransientException("LiveTex", status, type, message, unavailable);
        }
        throw new ProviderException("LiveTex", status, type, message, false, false);
    }

    private Map<String, Object> parse(String text) {
        if (text == null || text.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            Object parsed = json.readValue(text, Object.class);
            if (parsed instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> body = (Map<String, Object>) map;
                return body;
            }
        } catch (JsonProcessingException notJson) {
            // a proxy's error page: classified by status alone
        }
        return new LinkedHashMap<>();
    }
}
