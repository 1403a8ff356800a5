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

import io.handoff.gateway.api.KeptAnswers;
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
    private final Clock clock;

    public HandoffRequests(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Claims the handoff's requestId: {@code CLAIMED} (the exchange's answer, a 201 or a problem, is kept
     * before it leaves; a 5xx gives the claim back: KeptAnswers), {@code REPLAYED} with the first answer when
     * one is known (the route replies with it and stops), {@code NONE} without a requestId. A bean step, not
     * an expression: the keeper must be registered on the exchange itself. The route writes the result into
     * the handoff ({@code withClaim}).
     */
    public RequestClaim claim(Exchange exchange, Handoff handoff) {
        SwitchRequest request = handoff.switchRequest();
        if (request.requestId() == null) {
            return RequestClaim.NONE;
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
                return claim(exchange, handoff); // forgotten meanwhile: claim afresh
            }
            Map<String, Object> row = rows.get(0);
            if (row.get("status") != null) {
                return RequestClaim.answered(((Number) row.get("status")).intValue(), (String) row.get("response"));
            }
            long claimedAt = ((Number) row.get("created_at")).longValue();
            if (now - claimedAt < STALE_CLAIM.toMillis()
                    || jdbc.update("update handoff_request set created_at = ? where conversation_id = ? "
                    + "and request_id = ? and status is null and created_at = ?", now, conversationId, requestId, claimedAt) == 0) {
                throw ProblemException.alreadyInHandoff("A request with requestId '" + requestId + "' is still in progress");
            }
        }
        KeptAnswers.keepWith(exchange, (status, answer) -> settle(conversationId, requestId, status, answer));
        return RequestClaim.CLAIMED;
    }

    /** The claimant's answer, before it leaves: kept (a 201, a 4xx), or after a 5xx the claim given back. */
    private void settle(String conversationId, String requestId, int status, String answer) {
        if (status >= 500) {
            jdbc.update("delete from handoff_request where conversation_id = ? and request_id = ?", conversationId, requestId);
        } else {
            jdbc.update("update handoff_request set status = ?, response = ? where conversation_id = ? and request_id = ?",
                    status, answer, conversationId, requestId);
        }
    }

    /** Answers are kept for at least 24 h (the contract); older ones are dropped hourly. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    public void forgetOld() {
        jdbc.update("delete from handoff_request where created_at < ?", clock.millis() - RETENTION.toMillis());
    }
}
