package io.handoff.gateway.api;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes the bot's answer: the body (a Map or record) as JSON with the given status. Every header the
 * exchange picked up on the way (the bot's own request headers, provider response headers) is
 * dropped first, so nothing leaks back to the caller.
 */
@Component("apiResponse")
public class ApiResponse {

    private final ObjectMapper json;
    private final H2GroupWrite groupWrite;

    public ApiResponse(ObjectMapper json, H2GroupWrite groupWrite) {
        this.json = json;
        this.groupWrite = groupWrite;
    }

    public void ok(Exchange exchange) throws JsonProcessingException {
        write(exchange, 200, "application/json", exchange.getMessage().getBody());
    }

    /** 201 with the body as JSON: a handoff started. */
    public void created(Exchange exchange) throws JsonProcessingException {
        write(exchange, 201, "application/json", exchange.getMessage().getBody());
    }

    /** 200 {@code {"status":"ok"}}: what a platform's webhook gets once its notification is safely stored. */
    public void acknowledge(Exchange exchange) throws JsonProcessingException {
        write(exchange, 200, "application/json", java.util.Map.of("status", "ok"));
    }

    /** Answers with a status and a JSON body kept with its key: a repeated requestId or messageId gets the first answer. */
    public void replay(Exchange exchange, int status, String body) {
        answer(exchange, status, status >= 400 ? "application/problem+json" : "application/json", body);
    }

    void write(Exchange exchange, int status, String contentType, Object body) throws JsonProcessingException {
        answer(exchange, status, contentType, json.writeValueAsString(body));
    }

    /** A keeper registered on the exchange (KeptAnswers) stores the answer first, so the one write covers both. */
    private void answer(Exchange exchange, int status, String contentType, String body) {
        KeptAnswers.keep(exchange, status, body);
        writtenBeforeAnswer(exchange);
        dropHeaders(exchange);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getMessage().setBody(body);
    }

    /** A call that may have changed something is answered once the change is in the database file (H2GroupWrite). */
    private void writtenBeforeAnswer(Exchange exchange) {
        if (!"GET".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            groupWrite.writeCommitted();
        }
    }

    /**
     * Every header but Camel's redelivery counters. Not removeHeaders("*", "CamelRedelivery*"): Camel matches
     * each header against an exclude pattern as a regular expression, compiled again for every header.
     */
    private static void dropHeaders(Exchange exchange) {
        exchange.getMessage().getHeaders().keySet().removeIf(name -> !name.startsWith("CamelRedelivery"));
    }
}
