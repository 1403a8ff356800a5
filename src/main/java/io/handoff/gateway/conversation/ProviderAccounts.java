package io.handoff.gateway.conversation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The conversation's identity on each provider: the LiveChat customer ({@code entity_id}) and its one
 * chat, the LiveTex user. Kept so a returning client is the same customer with the same chat.
 */
@Repository
public class ProviderAccounts {

    /** One conversation's account on one provider. */
    public record Account(String conversationId, String provider, String customerId, String chatId) {
    }

    private final JdbcTemplate jdbc;

    public ProviderAccounts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Account> find(String conversationId, String provider) {
        return jdbc.query("select * from provider_account where conversation_id = ? and provider = ?",
                (rs, i) -> new Account(rs.getString("conversation_id"), rs.getString("provider"),
                        rs.getString("customer_id"), rs.getString("chat_id")),
                conversationId, provider).stream().findFirst();
    }

    public Optional<String> conversationOfChat(String provider, String chatId) {
        List<String> ids = jdbc.queryForList(
                "select conversation_id from provider_account where provider = ? and chat_id = ?",
                String.class, provider, chatId);
        return ids.stream().findFirst();
    }

    /**
     * The conversation, if any, whose first chat with the provider is being started for one of these users
     * (a start asked for, not answered yet): how a webhook of a chat not known yet is told apart.
     */
    public Optional<String> conversationStartingFirstChat(String provider, List<String> userIds) {
        if (userIds.isEmpty()) {
            return Optional.empty();
        }
        List<Object> arguments = new ArrayList<>();
        arguments.add(provider);
        arguments.addAll(userIds);
        return jdbc.queryForList("select conversation_id from provider_account where provider = ? and customer_id in ("
                        + String.join(", ", Collections.nCopies(userIds.size(), "?"))
                        + ") and chat_id is null and chat_start_unanswered = true", String.class, arguments.toArray())
                .stream().findFirst();
    }

    public void saveCustomer(String conversationId, String provider, String customerId) {
        if (jdbc.update("update provider_account set customer_id = ? where conversation_id = ? and provider = ?",
                customerId, conversationId, provider) == 0) {
            try {
                jdbc.update("insert into provider_account (conversation_id, provider, customer_id) values (?, ?, ?)",
                        conversationId, provider, customerId);
            } catch (DuplicateKeyException raced) {
                saveCustomer(conversationId, provider, customerId);
            }
        }
    }

    /** The chat is known (or, null, known not to exist): a start asked for before is answered. */
    public void saveChat(String conversationId, String provider, String chatId) {
        jdbc.update("update provider_account set chat_id = ?, chat_start_unanswered = false where conversation_id = ? "
                + "and provider = ?", chatId, conversationId, provider);
    }

    /**
     * A chat is about to be started for a customer without one; until {@link #saveChat}, its answer is outstanding.
     * A first handoff's customer is granted within the start call, after this mark: its row is made here, and the
     * grant's {@link #saveCustomer} fills the customer in.
     */
    public void markChatStart(String conversationId, String provider) {
        if (jdbc.update("update provider_account set chat_start_unanswered = true where conversation_id = ? and provider = ?",
                conversationId, provider) == 0) {
            try {
                jdbc.update("insert into provider_account (conversation_id, provider, chat_start_unanswered) values (?, ?, true)",
                        conversationId, provider);
            } catch (DuplicateKeyException raced) {
                markChatStart(conversationId, provider);
            }
        }
    }

    /** Whether a chat start was asked for and never answered: the provider may have opened the chat all the same. */
    public boolean chatStartUnanswered(String conversationId, String provider) {
        return !jdbc.queryForList("select 1 from provider_account where conversation_id = ? and provider = ? "
                + "and chat_id is null and chat_start_unanswered = true", Integer.class, conversationId, provider).isEmpty();
    }
}
