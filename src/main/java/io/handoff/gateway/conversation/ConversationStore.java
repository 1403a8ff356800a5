package io.handoff.gateway.conversation;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** JDBC access to the conversation table; portable between H2 and PostgreSQL. */
@Repository
public class ConversationStore {

    private static final RowMapper<Conversation> ROW = (rs, i) -> new Conversation(
            rs.getString("conversation_id"),
            ConversationState.valueOf(rs.getString("state")),
            rs.getString("destination"),
            rs.getString("provider"),
            rs.getString("provider_chat_id"),
            rs.getString("operator_id"),
            rs.getString("operator_name"),
            rs.getString("handoff_json"),
            rs.getString("provider_thread_id"),
            rs.getLong("last_seq"));

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ConversationStore(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<Conversation> find(String conversationId) {
        List<Conversation> rows = jdbc.query("select * from conversation where conversation_id = ?", ROW, conversationId);
        return rows.stream().findFirst();
    }

    /** Creates the conversation in state BOT unless it exists; safe when two requests race. */
    public void createIfAbsent(String conversationId) {
        if (find(conversationId).isPresent()) {
            return;
        }
        long now = clock.millis();
        try {
            jdbc.update("insert into conversation (conversation_id, state, created_at, updated_at) values (?, ?, ?, ?)",
                    conversationId, ConversationState.BOT.name(), now, now);
        } catch (DuplicateKeyException raced) {
            // the other request created it: fine
        }
    }

    /**
     * Takes the conversation for a handoff start: only a conversation owned by the bot and not already
     * being handed off can be taken, so two parallel switches never open two chats.
     */
    public boolean tryLease(String conversationId, long leaseMillis) {
        long now = clock.millis();
        return jdbc.update("update conversation set lease_until = ?, updated_at = ? "
                        + "where conversation_id = ? and state = ? and lease_until < ?",
                now + leaseMillis, now, conversationId, ConversationState.BOT.name(), now) == 1;
    }

    /** Whether a handoff of the conversation is being opened now (by any instance). */
    public boolean handoffStarting(String conversationId) {
        return !jdbc.queryForList("select 1 from conversation where conversation_id = ? and state = ? and lease_until > ?",
                Integer.class, conversationId, ConversationState.BOT.name(), clock.millis()).isEmpty();
    }

    public void releaseLease(String conversationId) {
        jdbc.update("update conversation set lease_until = 0 where conversation_id = ?", conversationId);
    }

    /**
     * The handoff is open on the provider: the conversation now waits for an operator. The row was made
     * before the provider was called; if it is not there, the handoff fails rather than answer 201 for a
     * conversation the gateway does not hold.
     */
    public void startHandoff(String conversationId, ConversationState state, String destination, String provider,
                             String providerChatId, String providerThreadId, String handoffJson) {
        int updated = jdbc.update("update conversation set state = ?, destination = ?, provider = ?, provider_chat_id = ?, "
                        + "provider_thread_id = ?, operator_id = null, operator_name = null, handoff_json = ?, "
                        + "handoff_no = handoff_no + 1, lease_until = 0, updated_at = ? where conversation_id = ?",
                state.name(), destination, provider, providerChatId, providerThreadId, handoffJson, clock.millis(),
                conversationId);
        if (updated != 1) {
            throw new IllegalStateException("conversation " + conversationId + " is not in the store: its handoff cannot be recorded");
        }
    }

    /**
     * Moves the conversation from one state to another; false when it was not in {@code from} (someone
     * else moved it first), which is how "exactly once" transitions are decided.
     */
    public boolean transition(String conversationId, ConversationState from, ConversationState to) {
        return jdbc.update("update conversation set state = ?, updated_at = ? where conversation_id = ? and state = ?",
                to.name(), clock.millis(), conversationId, from.name()) == 1;
    }

    /**
     * Ends the handoff: back to BOT from WAITING or OPERATOR. With a {@code threadId}, only if it is the
     * handoff's current thread, so the late close of an earlier chat thread cannot end a newer handoff.
     * False when there was no handoff to end.
     */
    public boolean finishHandoff(String conversationId, String threadId) {
        String sql = "update conversation set state = ?, updated_at = ? where conversation_id = ? and state in (?, ?)";
        if (threadId == null) {
            return jdbc.update(sql, ConversationState.BOT.name(), clock.millis(), conversationId,
                    ConversationState.WAITING.name(), ConversationState.OPERATOR.name()) == 1;
        }
        return jdbc.update(sql + " and (provider_thread_id is null or provider_thread_id = ?)",
                ConversationState.BOT.name(), clock.millis(), conversationId,
                ConversationState.WAITING.name(), ConversationState.OPERATOR.name(), threadId) == 1;
    }

    /**
     * Records the operator of the handoff; false when that operator was already recorded. Conditional, so
     * of a join and a first message of the same operator handled at once (two webhooks, maybe on two
     * instances) one alone finds the operator new.
     */
    public boolean setOperator(String conversationId, String operatorId, String operatorName) {
        String sql = "update conversation set operator_id = ?, operator_name = coalesce(?, operator_name), updated_at = ? "
                + "where conversation_id = ?";
        if (operatorId == null) {
            return jdbc.update(sql, null, operatorName, clock.millis(), conversationId) == 1;
        }
        return jdbc.update(sql + " and (operator_id is null or operator_id <> ?)",
                operatorId, operatorName, clock.millis(), conversationId, operatorId) == 1;
    }
}
