package io.handoff.gateway.dialogflow;

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
import io.handoff.gateway.conversation.RequestClaim;

/**
 * The door's {@code messageId} idempotency (gateway-api.md §7): the first answer (status and body, the bot's replies
 * included) is kept in the database and a repeat gets it again without asking Dialogflow; a first try that ended in
 * 5xx is forgotten, so a repeat tries again; a repeat while the first is still running gets 409. Also the answers of
 * messages forwarded to {@code direct:client-message}, whatever that route answers (202, a close phrase's 200, a
 * problem), so a repeat is answered the same even after the conversation changed hands.
 */
@Component("dialogflowMessages")
public class DialogflowMessages {

    /** A claim older than this belongs to a crashed instance and may be taken over. */
    static final Duration STALE_CLAIM = Duration.ofMinutes(5);
    static final Duration RETENTION = Duration.ofHours(48);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public DialogflowMessages(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Claims the message's id: {@code CLAIMED}, settled by the exchange's answer before it leaves (KeptAnswers: kept,
     * or the claim given back after a 5xx), or {@code REPLAYED} with the first answer. A bean step: the keeper is
     * registered on the exchange itself.
     */
    public RequestClaim claim(Exchange exchange, DialogflowTurn turn) {
        String conversationId = turn.conversationId();
        String messageId = turn.messageId();
        long now = clock.millis();
        try {
            jdbc.update("insert into dialogflow_message (conversation_id, message_id, created_at) values (?, ?, ?)",
                    conversationId, messageId, now);
        } catch (DuplicateKeyException seen) {
            List<Map<String, Object>> rows = jdbc.queryForList("select status, answer, created_at from dialogflow_message "
                    + "where conversation_id = ? and message_id = ?", conversationId, messageId);
            if (rows.isEmpty()) {
                return claim(exchange, turn); // forgotten meanwhile: claim afresh
            }
            Map<String, Object> row = rows.get(0);
            if (row.get("status") != null) {
                return RequestClaim.answered(((Number) row.get("status")).intValue(), (String) row.get("answer"));
            }
            long claimedAt = ((Number) row.get("created_at")).longValue();
            if (now - claimedAt < STALE_CLAIM.toMillis()
                    || jdbc.update("update dialogflow_message set created_at = ? where conversation_id = ? and message_id = ? "
                    + "and status is null and created_at = ?", now, conversationId, messageId, claimedAt) == 0) {
                throw new ProblemException(409, "message-in-progress", "Message in progress",
                        "A message with messageId '" + messageId + "' is still being answered; repeat it later", null);
            }
        }
        KeptAnswers.keepWith(exchange, (status, answer) -> settle(conversationId, messageId, status, answer));
        return RequestClaim.CLAIMED;
    }

    /** The claimant's answer, before it leaves: kept, or after a 5xx the claim given back so a repeat tries again. */
    private void settle(String conversationId, String messageId, int status, String answer) {
        if (status >= 500) {
            jdbc.update("delete from dialogflow_message where conversation_id = ? and message_id = ? and status is null",
                    conversationId, messageId);
        } else {
            jdbc.update("update dialogflow_message set status = ?, answer = ? where conversation_id = ? and message_id = ? "
                    + "and status is null", status, answer, conversationId, messageId);
        }
    }

    /** Answers are kept for at least 24 h (the contract); older ones are dropped hourly. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    public void forgetOld() {
        jdbc.update("delete from dialogflow_message where created_at < ?", clock.millis() - RETENTION.toMillis());
    }
}
