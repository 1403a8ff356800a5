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

    public void releaseLease(String conversationId) {
        jdbc.update("update conversation set lease_until = 0 where conversation_id = ?", conversationId);
    }

    /** The handoff is open on the provider: the conversation now waits for an operator. */
    public void startHandoff(String conversationId, ConversationState state, String destination, String provider,
                             String providerChatId, String handoffJson) {
        jdbc.update("update conversation set state = ?, destination = ?, provider = ?, provider_chat_id = ?, "
                        + "operator_id = null, operator_name = null, handoff_json = ?, lease_until = 0, updated_at = ? "
                        + "where conversation_id = ?",
                state.name(), destination, provider, providerChatId, handoffJson, clock.millis(), conversationId);
    }

    /**
     * Moves the conversation from one state to another; false when it was not in {@code from} (someone
     * else moved it first), which is how "exactly once" transitions are decided.
     */
    public boolean transition(String conversationId, ConversationState from, ConversationState to) {
        return jdbc.update("update conversation set state = ?, updated_at = ? where conversation_id = ? and state = ?",
                to.name(), clock.millis(), conversationId, from.name()) == 1;
    }

    public void setOperator(String conversationId, String operatorId, String operatorName) {
        jdbc.update("update conversation set operator_id = ?, operator_name = coalesce(?, operator_name), updated_at = ? "
                + "where conversation_id = ?", operatorId, operatorName, clock.millis(), conversationId);
    }
}
