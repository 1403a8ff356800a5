package io.handoff.gateway.conversation;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The events the bot receives, stored before anything is acknowledged. Each gets the next {@code seq}
 * of its conversation: the increment of {@code conversation.last_seq} locks the conversation row, so
 * seqs have no gaps and no duplicates even with several gateway instances on one database.
 */
@Repository
public class EventLog {

    private static final Logger log = LoggerFactory.getLogger(EventLog.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;
    private final EventSignals signals;
    private final PushPolicy targets;

    public EventLog(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, Clock clock, EventSignals signals,
                    PushPolicy targets) {
        this.targets = targets;
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.signals = signals;
    }

    /** Appends an event of {@code type} with the given fields and returns it as stored. */
    public Map<String, Object> append(String conversationId, String type, Map<String, Object> fields) {
        Map<String, Object> event = tx.execute(status -> {
            jdbc.update("update conversation set last_seq = last_seq + 1 where conversation_id = ?", conversationId);
            long seq = jdbc.queryForObject("select last_seq from conversation where conversation_id = ?",
                    Long.class, conversationId);
            long now = clock.millis();
            Map<String, Object> stored = new LinkedHashMap<>();
            stored.put("seq", seq);
            stored.put("conversationId", conversationId);
            stored.put("type", type);
            stored.put("at", Instant.ofEpochMilli(now).toString());
            stored.putAll(fields);
            // an event with nowhere to be pushed is settled at once: it stays pullable, and is not "pending"
            Long settled = targets.pushes(conversationId) ? null : now;
            jdbc.update("insert into conversation_event (conversation_id, seq, type, body, created_at, next_attempt_at, delivered_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?)", conversationId, seq, type, write(stored), now, now, settled);
            log.info("conversation={} event stored seq={} type={}", conversationId, seq, type); // never its text
            return stored;
        });
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // stored inside a caller's transaction (a client's close): readers are woken once it is committed
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signals.stored(conversationId);
                }
            });
        } else {
            signals.stored(conversationId);
        }
        return event;
    }

    /** Events with {@code seq > after}, oldest first, at most {@code limit}. */
    public List<Map<String, Object>> after(String conversationId, long after, int limit) {
        return jdbc.query("select body from conversation_event where conversation_id = ? and seq > ? order by seq limit ?",
                (rs, i) -> read(rs.getString(1)), conversationId, after, limit);
    }

    /**
     * The newest seq of each of the given conversations (those that exist): one query per 500 ids, so
     * waiting pulls can look for other instances' events all at once.
     */
    public Map<String, Long> lastSeqs(Collection<String> conversationIds) {
        Map<String, Long> lastSeqs = new HashMap<>();
        List<String> ids = List.copyOf(conversationIds);
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            jdbc.query("select conversation_id, last_seq from conversation where conversation_id in (" + marks + ")",
                    rs -> {
                        lastSeqs.put(rs.getString(1), rs.getLong(2));
                    }, chunk.toArray());
        }
        return lastSeqs;
    }

    private String write(Map<String, Object> event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serializable", e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(String body) {
        try {
            return json.readValue(body, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event unreadable", e);
        }
    }
}
