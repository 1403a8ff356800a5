package io.handoff.gateway.conversation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.api.ProblemException;

/**
 * The client-message queue (gateway-api.md §9) on table {@code client_message}: what the bot handed over
 * for the operator, stored before the bot's {@code 202}, and kept until the provider has it.
 * <p>
 * A row lives until the provider has the item (or the bot was told it never will), so the table holds
 * only what waits.
 * <p>
 * Order: each accepted message (or close) takes the next {@code seq} of its conversation by incrementing
 * {@code conversation.last_client_seq}, which locks the conversation row until the commit; so the seq
 * order is the acceptance order, whichever instance accepted. Only a conversation's oldest undone item
 * (its head) is ever worked on, and an attempt owns it until its lease runs out ({@code next_attempt_at}
 * in the future, {@code owner} set), so one instance at a time delivers a conversation.
 */
@Repository
public class ClientQueue {

    public enum Kind { MESSAGE, CLOSE }

    /** What became of an item that is done (the log's word, and messageUndelivered's reason). */
    public enum Outcome { delivered, chatEnded, providerRejected, fileUnavailable, expired }

    /** Where the handoff an item was accepted into stands now, as the item is read. */
    public enum HandoffNow {
        /** Still open. */
        OPEN,
        /** Ended, and no newer handoff is open on its chat. */
        ENDED,
        /** Ended, and a newer handoff has taken up the same provider chat (LiveChat resumes a customer's one chat). */
        CHAT_TAKEN_UP
    }

    /**
     * One queued item, with the handoff it was accepted into: the provider, its chat, the destination, its
     * number among the conversation's handoffs and where it stands now. {@code body} is the message (JSON)
     * or, for a close, the closing text (JSON string or null).
     */
    public record Item(String conversationId, long seq, Kind kind, String messageId, String body, String destination,
                       String provider, String providerChatId, long handoffNo, HandoffNow handoffNow, long createdAt,
                       int attempts, long nextAttemptAt) {

        /** The handoff as the item was accepted into it (the conversation may have moved on since). */
        public Conversation handoff() {
            return new Conversation(conversationId, ConversationState.OPERATOR, destination, provider, providerChatId,
                    null, null, null, null, 0);
        }
    }

    /**
     * A conversation with work for a provider, as {@link #CHANNEL}'s notifications and the sweep name it: the
     * delivery keeps one set of workers per provider, so a provider that hangs holds up only its own.
     */
    public record Due(String provider, String conversationId) {

        public Due {
            provider = provider == null ? "" : provider; // a lane's name
        }

        /** The notification's key: neither a provider's name nor a conversation id holds a '/'. */
        public String key() {
            return provider + "/" + conversationId;
        }

        /** From {@link #key()}; a key without a provider (an older instance's) names none. */
        public static Due of(String key) {
            int slash = key.indexOf('/');
            return slash < 0 ? new Due("", key) : new Due(key.substring(0, slash), key.substring(slash + 1));
        }
    }

    /** The answer to an accepted message: a repeat is not queued again and gets the first answer. */
    public record Accepted(boolean duplicate, ProcessedKeys.Answer answer) {
    }

    /** The wake-up every instance's delivery listens to; the key is the conversation id. */
    public static final String CHANNEL = "handoff_client_messages";

    /** processed_key's scope of a conversation's messageIds. */
    static final String MESSAGE_IDS = "message:";

    private static final RowMapper<Item> ITEM = (rs, i) -> new Item(rs.getString("conversation_id"), rs.getLong("seq"),
            Kind.valueOf(rs.getString("kind")), rs.getString("message_id"), rs.getString("body"),
            rs.getString("destination"), rs.getString("provider"), rs.getString("provider_chat_id"),
            rs.getLong("handoff_no"), HandoffNow.valueOf(rs.getString("handoff_now")), rs.getLong("created_at"),
            rs.getInt("attempts"), rs.getLong("next_attempt_at"));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ProcessedKeys keys;
    private final DatabaseNotifications notifications;
    private final Clock clock;
    private final int maxPending;

    public ClientQueue(JdbcTemplate jdbc, TransactionTemplate tx, ProcessedKeys keys, DatabaseNotifications notifications,
                       Clock clock, HandoffProperties properties) {
        this.maxPending = properties.relay().maxPendingPerConversation();
        this.jdbc = jdbc;
        this.keys = keys;
        this.notifications = notifications;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Stores a client message for the operator of the conversation's open handoff: 404 / 409 when there
     * is none. Its {@code messageId} is remembered with the answer, {@code 202} and {@code answerBody} of
     * the conversation's state, in {@code processed_key}, so the database decides, also between instances:
     * a {@code messageId} seen before is not stored again and gets the first answer. 429 when the
     * conversation already has {@code handoff.relay.max-pending-per-conversation} items waiting: nothing
     * is stored.
     */
    public Accepted accept(String conversationId, String messageId, String messageJson,
                           Function<String, String> answerBody) {
        try {
            return tx.execute(status -> {
                Map<String, Object> handoff = takeNextSeq(conversationId);
                ProcessedKeys.Answer answer = new ProcessedKeys.Answer(202, answerBody.apply((String) handoff.get("state")));
                keys.remember(MESSAGE_IDS + conversationId, messageId, answer); // seen before: all rolled back
                long seq = ((Number) handoff.get("last_client_seq")).longValue();
                if (isFull(conversationId, seq)) {
                    throw ProblemException.queueFull(conversationId, maxPending); // rolls back the seq and the messageId
                }
                insert(conversationId, handoff, Kind.MESSAGE, messageId, messageJson);
                return new Accepted(false, answer);
            });
        } catch (DuplicateKeyException raced) { // the same messageId stored by another request meanwhile
            // not visible yet if that request has not committed (H2): answered as a repeat of now
            return new Accepted(true, firstAnswer(conversationId, messageId)
                    .orElseGet(() -> new ProcessedKeys.Answer(202, answerBody.apply(stateOf(conversationId)))));
        }
    }

    /** The answer the conversation's {@code messageId} got when it was accepted (a message or a close phrase), if it was. */
    public Optional<ProcessedKeys.Answer> firstAnswer(String conversationId, String messageId) {
        return keys.answerOf(MESSAGE_IDS + conversationId, messageId);
    }

    /**
     * Remembers a close phrase's {@code messageId} with the close's answer, in the caller's transaction (the
     * close's); a repeat is a {@link DuplicateKeyException}. Done before the close takes the conversation's
     * row, so a repeat racing the first try waits for it and then finds its answer.
     */
    public void rememberClosePhrase(String conversationId, String messageId, ProcessedKeys.Answer answer) {
        keys.remember(MESSAGE_IDS + conversationId, messageId, answer);
    }

    /**
     * Queues the close of the conversation's handoff after the messages accepted before it, in the
     * caller's transaction (which also moves the conversation back to the bot). 404 / 409 when there is
     * no handoff to close.
     */
    public void acceptClose(String conversationId, String closingTextJson) {
        insert(conversationId, takeNextSeq(conversationId), Kind.CLOSE, null, closingTextJson);
    }

    /** Runs {@code work} in one transaction: the close is queued and the handoff ended together, or neither. */
    public <T> T inTransaction(java.util.function.Supplier<T> work) {
        return tx.execute(status -> work.get());
    }

    private Map<String, Object> takeNextSeq(String conversationId) {
        int locked = jdbc.update("update conversation set last_client_seq = last_client_seq + 1 "
                + "where conversation_id = ? and state <> ?", conversationId, ConversationState.BOT.name());
        if (locked == 0) {
            if (stateOf(conversationId) == null) {
                throw ProblemException.notFound("Conversation '" + conversationId + "' was never seen");
            }
            throw ProblemException.notInHandoff("Conversation '" + conversationId
                    + "' is with the bot: answer the client yourself");
        }
        return jdbc.queryForMap("select last_client_seq, state, destination, provider, provider_chat_id, handoff_no "
                + "from conversation where conversation_id = ?", conversationId);
    }

    /**
     * Whether {@code maxPending} items wait before {@code seq}. Items leave a conversation's queue oldest first,
     * so that is whether the item {@code maxPending} places back is still there: one look-up by key, not a count.
     */
    private boolean isFull(String conversationId, long seq) {
        long back = seq - maxPending;
        return maxPending > 0 && back > 0 && !jdbc.queryForList("select 1 from client_message where conversation_id = ? "
                + "and seq = ?", Integer.class, conversationId, back).isEmpty();
    }

    private void insert(String conversationId, Map<String, Object> handoff, Kind kind, String messageId, String body) {
        long now = clock.millis();
        jdbc.update("insert into client_message (conversation_id, seq, kind, message_id, body, destination, provider, "
                        + "provider_chat_id, handoff_no, created_at, next_attempt_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                conversationId, ((Number) handoff.get("last_client_seq")).longValue(), kind.name(), messageId, body,
                handoff.get("destination"), handoff.get("provider"), handoff.get("provider_chat_id"),
                ((Number) handoff.get("handoff_no")).longValue(), now, now);
        // once committed: this instance's delivery, and the others'
        notifications.notify(CHANNEL, new Due((String) handoff.get("provider"), conversationId).key());
    }

    private String stateOf(String conversationId) {
        return jdbc.queryForList("select state from conversation where conversation_id = ?", String.class, conversationId)
                .stream().findFirst().orElse(null);
    }

    /** The conversation's {@code limit} oldest items not done yet, oldest first, each with where its handoff stands. */
    public List<Item> heads(String conversationId, int limit) {
        return jdbc.query("select m.*, case when c.state = 'BOT' then 'ENDED' when c.handoff_no = m.handoff_no then 'OPEN' "
                        + "when c.provider = m.provider and c.provider_chat_id = m.provider_chat_id then 'CHAT_TAKEN_UP' "
                        + "else 'ENDED' end as handoff_now "
                        + "from client_message m join conversation c on c.conversation_id = m.conversation_id "
                        + "where m.conversation_id = ? order by m.seq limit ?",
                ITEM, conversationId, limit);
    }

    /**
     * Whether the bot's close of the item's handoff is queued behind it: then the bot (or the client) ended
     * that handoff, and what it said before is still due to the operator, ahead of the close. Otherwise the
     * operator or the provider ended it.
     */
    public boolean closeFollows(Item item) {
        return !jdbc.queryForList("select 1 from client_message where conversation_id = ? and seq > ? and kind = ? "
                + "and handoff_no = ? limit 1", Integer.class, item.conversationId(), item.seq(), Kind.CLOSE.name(),
                item.handoffNo()).isEmpty();
    }

    /** Conversations whose head is due now (new, its backoff over, or its owner's lease run out), with the head's provider. */
    public List<Due> dueConversations(int limit) {
        return jdbc.query("select m.provider, m.conversation_id from client_message m where m.next_attempt_at <= ? "
                        + "and m.seq = (select min(x.seq) from client_message x where x.conversation_id = m.conversation_id) "
                        + "order by m.next_attempt_at limit ?",
                (rs, i) -> new Due(rs.getString(1), rs.getString(2)), clock.millis(), limit);
    }

    /** Takes the head for one attempt, owned by {@code owner} until {@code leaseMillis} from now; false if someone else has. */
    public boolean claim(Item item, String owner, long leaseMillis) {
        return jdbc.update("update client_message set next_attempt_at = ?, owner = ? where conversation_id = ? and seq = ? "
                        + "and next_attempt_at = ?",
                clock.millis() + leaseMillis, owner, item.conversationId(), item.seq(), item.nextAttemptAt()) == 1;
    }

    /** The item is done with: the provider has it, or the bot was told it never will. */
    public void done(Item item) {
        jdbc.update("delete from client_message where conversation_id = ? and seq = ?", item.conversationId(), item.seq());
    }

    /** The next try after {@code delayMillis}; only while {@code owner} still holds the item (an attempt may outlive its lease). */
    public void retryLater(Item item, long delayMillis, String error, String owner) {
        jdbc.update("update client_message set attempts = attempts + 1, next_attempt_at = ?, owner = null, last_error = ? "
                + "where conversation_id = ? and seq = ? and owner = ?", clock.millis() + delayMillis, cut(error),
                item.conversationId(), item.seq(), owner);
    }

    /** Makes every waiting item due now (an operator's "retry now"); returns how many. */
    public int makeAllDue() {
        return jdbc.update("update client_message set next_attempt_at = ? where owner is null",
                clock.millis());
    }

    /** Items not done yet, per provider. */
    public Map<String, Long> pendingByProvider() {
        Map<String, Long> pending = new java.util.TreeMap<>();
        jdbc.query("select provider, count(*) from client_message group by provider",
                rs -> {
                    pending.put(rs.getString(1), rs.getLong(2));
                });
        return pending;
    }

    /** How long the oldest item not done yet has waited (zero when none). */
    public Duration oldestPendingAge() {
        Long oldest = jdbc.queryForObject("select min(created_at) from client_message", Long.class);
        return oldest == null ? Duration.ZERO : Duration.ofMillis(Math.max(0, clock.millis() - oldest));
    }

    private static String cut(String error) {
        return error == null || error.length() <= 512 ? error : error.substring(0, 512);
    }
}
