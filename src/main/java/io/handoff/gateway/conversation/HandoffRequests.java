package io.handoff.gateway.conversation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.api.ApiResponse;
import io.handoff.gateway.api.Compensations;
import io.handoff.gateway.api.ProblemException;

/**
 * {@code requestId} idempotency (gateway-api.md §3): the first answer is kept and replayed; a first try
 * that failed with 5xx is forgotten so a repeat tries again; a repeat while the first is still running
 * gets 409 and never opens a second chat. Kept in the database, so it holds across instances and restarts.
 */
@Component("handoffRequests")
public class HandoffRequests {

    /** A claim older than this belongs to a crashed instance and may be taken over. */
    static final Duration STALE_CLAIM = Duration.ofMinutes(5);
    static final Duration RETENTION = Duration.ofHours(48);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final ApiResponse response;

    public HandoffRequests(JdbcTemplate jdbc, ObjectMapper json, Clock clock, ApiResponse response) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.response = response;
    }

    /**
     * Claims the request's id (sets property {@code requestClaimed}, registers the compensation). When the
     * first answer is known it becomes the reply and property {@code requestReplayed} is set, so the route
     * stops there. A bean step, not an expression: it writes the message.
     */
    public void claim(Exchange exchange) {
        SwitchRequest request = exchange.getProperty("switchRequest", SwitchRequest.class);
        if (request.requestId() == null) {
            return;
        }
        String conversationId = request.conversationId();
        String requestId = request.requestId();
        long now = clock.millis();
        try {
            jdbc.update("insert into handoff_request (conversation_id, request_id, created_at) values (?, ?, ?)",
                    conversationId, requestId, now);
        } catch (DuplicateKeyException seen) {
            List<Map<String, Object>> rows = jdbc.queryForList(
                    "select status, response, created_at from handoff_request where conversation_id = ? and request_id = ?",
                    conversationId, requestId);
            if (rows.isEmpty()) {
                claim(exchange); // forgotten meanwhile: claim afresh
                return;
            }
            Map<String, Object> row = rows.get(0);
            if (row.get("status") != null) {
                response.replay(exchange, ((Number) row.get("status")).intValue(), (String) row.get("response"));
                exchange.setProperty("requestReplayed", true);
                return;
            }
            long claimedAt = ((Number) row.get("created_at")).longValue();
            if (now - claimedAt < STALE_CLAIM.toMillis()
                    || jdbc.update("update handoff_request set created_at = ? where conversation_id = ? "
                    + "and request_id = ? and status is null and created_at = ?", now, conversationId, requestId, claimedAt) == 0) {
                throw ProblemException.alreadyInHandoff("A request with requestId '" + requestId + "' is still in progress");
            }
        }
        Compensations.register(exchange, failed -> settleFailure(failed, conversationId, requestId));
        exchange.setProperty("requestClaimed", true);
    }

    /** Keeps the successful answer for repeats. */
    public void remember(Exchange exchange) {
        if (exchange.getProperty("requestClaimed", false, Boolean.class)) {
            SwitchRequest request = exchange.getProperty("switchRequest", SwitchRequest.class);
            store(request.conversationId(), request.requestId(),
                    exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class),
                    exchange.getMessage().getBody(String.class));
        }
    }

    private void settleFailure(Exchange exchange, String conversationId, String requestId) {
        @SuppressWarnings("unchecked")
        Map<String, Object> problem = exchange.getProperty("handoffProblem", Map.class);
        int status = problem == null ? 500 : (Integer) problem.get("status");
        if (status >= 500) {
            jdbc.update("delete from handoff_request where conversation_id = ? and request_id = ?", conversationId, requestId);
        } else {
            try {
                store(conversationId, requestId, status, json.writeValueAsString(problem));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void store(String conversationId, String requestId, Integer status, String body) {
        jdbc.update("update handoff_request set status = ?, response = ? where conversation_id = ? and request_id = ?",
                status, body, conversationId, requestId);
    }

    /** Answers are kept for at least 24 h (the contract); older ones are dropped hourly. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    public void forgetOld() {
        jdbc.update("delete from handoff_request where created_at < ?", clock.millis() - RETENTION.toMillis());
    }
}
