package io.handoff.gateway.dialogflow;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.gateway.api.ProblemException;

/**
 * What the door keeps of a conversation in the database, so restarts and several instances behave the same: the
 * binding to an agent and its Dialogflow session, and the transcript (the last {@value #KEPT_TURNS} turns).
 */
@Repository
public class DialogflowConversations {

    /** Turns kept per conversation (client texts and bot texts); the switch's history is at most these. */
    public static final int KEPT_TURNS = 50;

    /** A conversation bound to an agent. */
    public record Binding(String conversationId, String agent, String sessionId, String languageCode) {
    }

    /** One transcript line. */
    public record Line(String from, String text) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    public DialogflowConversations(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Binds the conversation to the agent (the first message does), and keeps the message's language for later events.
     * A conversation bound to another agent is refused with 409.
     */
    public void bind(String conversationId, String agent, String sessionId, String languageCode) {
        long now = clock.millis();
        Optional<Binding> bound = find(conversationId);
        if (bound.isEmpty()) {
            try {
                jdbc.update("insert into dialogflow_session (conversation_id, agent, session_id, language_code, created_at, "
                        + "updated_at) values (?, ?, ?, ?, ?, ?)", conversationId, agent, sessionId, languageCode, now, now);
                return;
            } catch (DuplicateKeyException raced) {
                bound = find(conversationId);
            }
        }
        if (!bound.orElseThrow().agent().equals(agent)) {
            throw new ProblemException(409, "bound-to-another-agent", "Conversation bound to another agent",
                    "Conversation '" + conversationId + "' belongs to Dialogflow agent '" + bound.get().agent() + "'", null);
        }
        if (languageCode != null && !languageCode.equals(bound.get().languageCode())) {
            jdbc.update("update dialogflow_session set language_code = ?, updated_at = ? where conversation_id = ?",
                    languageCode, now, conversationId);
        }
    }

    public Optional<Binding> find(String conversationId) {
        return jdbc.query("select conversation_id, agent, session_id, language_code from dialogflow_session "
                        + "where conversation_id = ?",
                (rs, i) -> new Binding(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                conversationId).stream().findFirst();
    }

    /**
     * Appends lines to the transcript and drops all but the last {@value #KEPT_TURNS}, in one transaction. Lines of a
     * {@code messageId} (null: lines of no message, e.g. the resume's) are kept once: sent again, they are not added.
     */
    public void append(String conversationId, String messageId, List<Line> lines) {
        if (lines.isEmpty()) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                tx.executeWithoutResult(status -> {
                    if (messageId != null && !jdbc.queryForList("select 1 from dialogflow_turn where conversation_id = ? "
                            + "and message_id = ?", Integer.class, conversationId, messageId).isEmpty()) {
                        return; // kept by an earlier try of the same message
                    }
                    Long last = jdbc.queryForObject("select max(seq) from dialogflow_turn where conversation_id = ?",
                            Long.class, conversationId);
                    long seq = last == null ? 0 : last;
                    long now = clock.millis();
                    for (Line line : lines) {
                        jdbc.update("insert into dialogflow_turn (conversation_id, seq, from_party, text, created_at, message_id) "
                                + "values (?, ?, ?, ?, ?, ?)", conversationId, ++seq, line.from(), line.text(), now, messageId);
                    }
                    jdbc.update("delete from dialogflow_turn where conversation_id = ? and seq <= ?", conversationId,
                            seq - KEPT_TURNS);
                });
                return;
            } catch (DuplicateKeyException raced) {
                if (attempt >= 3) { // another message of the conversation took the same seqs: count again
                    throw raced;
                }
            }
        }
    }

    /**
     * The kept transcript, oldest first, as the switch's {@code history} entries ({from, text, at}), without the
     * lines of {@code messageId} (the message that asked for the switch: the operator gets it as firstMessage).
     */
    public List<Map<String, Object>> history(String conversationId, String messageId) {
        List<Map<String, Object>> history = new ArrayList<>();
        jdbc.query("select from_party, text, created_at from dialogflow_turn where conversation_id = ? "
                        + "and (message_id is null or message_id <> ?) order by seq",
                rs -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("from", rs.getString(1));
                    entry.put("text", rs.getString(2));
                    entry.put("at", Instant.ofEpochMilli(rs.getLong(3)).toString());
                    history.add(entry);
                }, conversationId, messageId);
        return history;
    }
}
