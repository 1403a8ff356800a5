package io.handoff.gateway.ops;

import java.util.Map;
import java.util.TreeMap;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.jmx.export.naming.SelfNaming;
import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.ConversationState;
import io.handoff.gateway.conversation.ConversationStatistics;
import io.handoff.gateway.conversation.ConversationCloser;

/** {@code handoff:type=Conversations}: live counts from the store, and closing a handoff by hand. */
@Component
@ManagedResource(description = "Conversations by state and provider; close a conversation's handoff")
public class ManagedConversations implements SelfNaming {

    private static final Logger log = LoggerFactory.getLogger(ManagedConversations.class);

    private final ConversationStatistics statistics;
    private final ConversationCloser closer;
    private final OpsObjectNames names;

    public ManagedConversations(ConversationStatistics statistics, ConversationCloser closer,
                                OpsObjectNames names) {
        this.statistics = statistics;
        this.closer = closer;
        this.names = names;
    }

    @Override
    public ObjectName getObjectName() throws MalformedObjectNameException {
        return names.of("Conversations");
    }

    @ManagedAttribute(description = "Conversations the bot owns")
    public long getBot() {
        return count(ConversationState.BOT);
    }

    @ManagedAttribute(description = "Handed off, no operator has joined yet")
    public long getWaiting() {
        return count(ConversationState.WAITING);
    }

    @ManagedAttribute(description = "An operator is in the chat")
    public long getOperator() {
        return count(ConversationState.OPERATOR);
    }

    @ManagedAttribute(description = "Counts keyed STATE/provider (provider 'none': never handed off)")
    public Map<String, Long> getByStateAndProvider() {
        Map<String, Long> counts = new TreeMap<>();
        statistics.byStateAndProvider().forEach((state, byProvider) ->
                byProvider.forEach((provider, n) -> counts.put(state + "/" + provider, n)));
        return counts;
    }

    @ManagedOperation(description = "Close the conversation's handoff and give the conversation back to the bot")
    @ManagedOperationParameter(name = "conversationId", description = "the bot's conversationId")
    public String close(String conversationId) {
        try {
            boolean closed = closer.close(conversationId);
            log.info("conversation={} close requested over JMX: {}", conversationId, closed ? "closed" : "not in a handoff");
            return closed ? "Closed: conversation '" + conversationId + "' is back with the bot"
                    : "Not closed: conversation '" + conversationId + "' is not in a handoff";
        } catch (RuntimeException e) {
            // JMX clients may not have our exception classes: answer in words
            log.warn("conversation={} close over JMX failed: {}", conversationId, e.getMessage());
            return "Failed: " + e.getMessage();
        }
    }

    private long count(ConversationState state) {
        return statistics.byStateAndProvider().get(state).values().stream().mapToLong(Long::longValue).sum();
    }
}
