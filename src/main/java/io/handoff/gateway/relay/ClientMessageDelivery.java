package io.handoff.gateway.relay;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.conversation.ClientMessage;
import io.handoff.gateway.conversation.ClientQueue;
import io.handoff.gateway.conversation.ClientTurn;
import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.conversation.ConversationWorkers;
import io.handoff.gateway.conversation.DatabaseNotifications;
import io.handoff.gateway.conversation.InstanceId;
import io.handoff.gateway.conversation.EventLog;
import io.handoff.gateway.conversation.OperatorEvents;
import io.handoff.gateway.conversation.WorkerLanes;
import io.handoff.gateway.conversation.Workers;
import io.handoff.gateway.files.ClientFileRefusedException;
import io.handoff.gateway.files.FileNotFetchedException;
import io.handoff.gateway.provider.ChatEndedException;
import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.provider.ProviderNotBuiltException;
import io.handoff.gateway.files.FilesProperties;

/**
 * Delivers the client-message queue ({@link ClientQueue}) to the providers: per conversation, oldest
 * first, one item at a time, {@code handoff.relay.parallelism} conversations at once per provider, so a
 * conversation whose provider keeps failing holds back only itself, and a provider whose calls hang (each
 * until its response timeout) holds only its own workers, not those of the others. Each provider's workers
 * take a conversation whose head is that provider's; a head of another provider (a new handoff behind an
 * old one's close) is handed over to that provider's workers. The provider call is the client-message-delivery
 * route; this class decides what is due and what an outcome means:
 * <ul>
 *   <li>delivered: done;</li>
 *   <li>transient (5xx, rate limit, unreachable, a token refused twice): tried again after a backoff that
 *       doubles up to {@code max-backoff}, until {@code give-up-after} has passed since acceptance
 *       ({@code messageUndelivered expired});</li>
 *   <li>the chat had ended: {@code messageUndelivered chatEnded}, and {@code livechatFinished(inactivity)}
 *       if the handoff was still open; the file could not be fetched: {@code fileUnavailable}; any other
 *       refusal: {@code providerRejected}. A close that cannot be delivered is logged (the bot already has
 *       its {@code livechatFinished}).</li>
 * </ul>
 * Before any call, an item whose handoff has ended meanwhile: a message is {@code chatEnded} when the
 * operator's side ended it (when the bot did, its close follows the message, which still goes first); a
 * close is dropped when a newer handoff has taken up the same chat, which it would end.
 * Every state is in the database: a restart, or another instance once the lease has run out, resumes where
 * this one was.
 */
@Component("clientMessageDelivery")
public class ClientMessageDelivery implements ConversationWorkers.Owner {

    private static final Logger log = LoggerFactory.getLogger(ClientMessageDelivery.class);

    /** The exchange property provider-dispatch chooses by: the provider of the handoff the item was accepted into. */
    static final String PROVIDER = "provider";

    /** Items read at once from a conversation's queue. */
    static final int BATCH = 16;

    private final HandoffProperties.Relay config;
    private final long leaseMillis;
    private final long fileLeaseMillis;
    private final ClientQueue queue;
    private final EventLog events;
    private final OperatorEvents operatorEvents;
    private final ConversationStore conversations;
    private final ProducerTemplate camel;
    private final ObjectMapper json;
    private final Clock clock;
    private final String owner;
    /** One lane per provider (its name as the queue holds it). */
    private final WorkerLanes workers;

    public ClientMessageDelivery(HandoffProperties properties, FilesProperties files, ClientQueue queue, EventLog events,
                                 OperatorEvents operatorEvents, ConversationStore conversations, ProducerTemplate camel,
                                 ObjectMapper json, Clock clock, InstanceId instance, DatabaseNotifications notifications) {
        this.owner = instance.value();
        this.config = properties.relay();
        this.leaseMillis = properties.delivery().lease().toMillis();
        // a file is downloaded before it is sent: its attempt may take the whole download time longer
        this.fileLeaseMillis = leaseMillis + files.totalTimeout().toMillis();
        this.queue = queue;
        this.events = events;
        this.operatorEvents = operatorEvents;
        this.conversations = conversations;
        this.camel = camel;
        this.json = json;
        this.clock = clock;
        this.workers = new WorkerLanes("client-message-delivery", config.parallelism(), this::deliver);
        // a message stored here or by another instance
        notifications.listen(ClientQueue.CHANNEL, key -> kick(ClientQueue.Due.of(key)));
    }

    @Override
    public Workers workers() {
        return workers;
    }

    /** Starts, and delivers what a restart left behind at once. */
    @Override
    public void start() {
        ConversationWorkers.Owner.super.start();
        sweep();
    }

    /** Picks up what is due: other instances' messages, backoffs that ran out, leases of dead instances. */
    @Scheduled(fixedDelayString = "${handoff.relay.poll-interval:1s}", initialDelayString = "${handoff.relay.poll-interval:1s}")
    public void sweep() {
        if (workers.isRunning()) {
            queue.dueConversations(500).forEach(this::kick);
        }
    }

    /** Starts delivering the conversation's queue on its provider's workers, unless they already are. */
    public void kick(ClientQueue.Due due) {
        workers.kick(due.provider(), due.conversationId());
    }

    /** Per provider, the conversations being delivered now or waiting for one of its workers (JMX). */
    public Map<String, Integer> inProgressByProvider() {
        return workers.inProgress();
    }

    /** Makes every waiting item due now and delivers; returns how many were waiting (JMX "retry now"). */
    public int retryNow() {
        int due = queue.makeAllDue();
        sweep();
        return due;
    }

    /**
     * Delivers the conversation's items, oldest first, as read in batches of {@link #BATCH}. It stops at a
     * batch that was not full: anything stored after that read kicks this conversation again
     * ({@link ConversationWorkers}), so it is not read once more just to find nothing. An item of another
     * provider than {@code lane}'s goes to that provider's workers, with the rest of the queue.
     */
    private void deliver(String lane, String conversationId) {
        List<ClientQueue.Item> batch;
        do {
            batch = queue.heads(conversationId, BATCH);
            for (ClientQueue.Item item : batch) {
                ClientQueue.Due due = new ClientQueue.Due(item.provider(), conversationId);
                if (!due.provider().equals(lane)) {
                    kick(due);
                    return;
                }
                if (!workers.isRunning() || !deliverOne(item)) {
                    return;
                }
            }
        } while (batch.size() == BATCH);
    }

    /**
     * False when the conversation's queue waits: backing off, or another instance has the item. The item is
     * claimed before anything is decided about it, so one instance alone tells the bot.
     */
    private boolean deliverOne(ClientQueue.Item item) {
        if (item.nextAttemptAt() > clock.millis()) {
            return false; // backing off, or another instance's attempt owns it
        }
        if (!queue.claim(item, owner, item.kind() == ClientQueue.Kind.MESSAGE && isFile(item) ? fileLeaseMillis : leaseMillis)) {
            return false; // another instance took it first
        }
        if (clock.millis() - item.createdAt() > config.giveUpAfter().toMillis()) {
            settle(item, ClientQueue.Outcome.expired, "not delivered within handoff.relay.give-up-after");
            return true;
        }
        if (item.kind() == ClientQueue.Kind.MESSAGE && item.handoffNow() != ClientQueue.HandoffNow.OPEN
                && !queue.closeFollows(item)) {
            // the operator's side ended the handoff first; not every provider refuses a message to an ended chat
            settle(item, ClientQueue.Outcome.chatEnded, "the handoff had ended on the provider's side");
            return true;
        }
        if (item.kind() == ClientQueue.Kind.CLOSE && item.handoffNow() == ClientQueue.HandoffNow.CHAT_TAKEN_UP) {
            // the bot handed the conversation over again meanwhile, into the same chat: closing it would end that handoff
            queue.done(item);
            log.info("conversation={} close of {} chat {} not sent: a newer handoff goes on in it", item.conversationId(),
                    item.provider(), item.providerChatId());
            return true;
        }
        return attempt(item); // false: backing off, the sweep comes back when it is due
    }

    /** One attempt; false when the item waits for its next try. */
    private boolean attempt(ClientQueue.Item item) {
        Exchange exchange = new DefaultExchange(camel.getCamelContext());
        exchange.setProperty(ClientTurn.PROPERTY, turn(item));
        exchange.setProperty(PROVIDER, item.provider()); // provider-dispatch chooses by it
        Throwable failure = camel.send("direct:client-message-delivery", exchange).getException();
        if (failure == null) {
            queue.done(item);
            log.debug("conversation={} client {} seq={} delivered to {}", item.conversationId(), kind(item), item.seq(), item.provider());
            return true;
        }
        Throwable cause = unwrapped(failure);
        ClientQueue.Outcome outcome = finalOutcome(cause);
        if (outcome == null) {
            long delay = backoff(item.attempts() + 1);
            queue.retryLater(item, delay, cause.toString(), owner);
            log.warn("conversation={} client {} seq={} not delivered ({}); next try in {} ms",
                    item.conversationId(), kind(item), item.seq(), cause.toString(), delay);
            return false;
        }
        settle(item, outcome, cause.toString());
        if (outcome == ClientQueue.Outcome.chatEnded) {
            chatEnded(item); // after messageUndelivered: livechatFinished is the handoff's last event
        }
        return true;
    }

    /** Null for a failure worth another try. */
    static ClientQueue.Outcome finalOutcome(Throwable cause) {
        if (cause instanceof ChatEndedException) {
            return ClientQueue.Outcome.chatEnded;
        }
        if (cause instanceof ClientFileRefusedException || cause instanceof FileNotFetchedException) {
            return ClientQueue.Outcome.fileUnavailable;
        }
        if (cause instanceof ProviderNotBuiltException) {
            return ClientQueue.Outcome.providerRejected;
        }
        if (cause instanceof ProviderException p) {
            // a refusal of the request itself is final; 5xx, rate limits, tokens and the gateway's own
            // configuration may come right, so those are tried again
            boolean fixable = p.retryable() || p.unavailable() || p.httpStatus() == 401 || p.httpStatus() == 403
                    || p.httpStatus() == 0;
            return fixable ? null : ClientQueue.Outcome.providerRejected;
        }
        return null; // I/O errors and the unexpected: tried again until give-up-after
    }

    private void settle(ClientQueue.Item item, ClientQueue.Outcome outcome, String reason) {
        queue.done(item);
        if (item.kind() == ClientQueue.Kind.CLOSE) {
            log.warn("conversation={} close of the {} chat not delivered ({}): {}", item.conversationId(), item.provider(),
                    outcome, reason);
            return;
        }
        events.append(item.conversationId(), "messageUndelivered",
                Map.of("messageId", item.messageId(), "reason", outcome.name()));
        log.warn("conversation={} client message seq={} undelivered ({}): {}", item.conversationId(), item.seq(), outcome, reason);
    }

    /** The chat this message was accepted into has ended: so has the handoff, unless a newer one has begun. */
    private void chatEnded(ClientQueue.Item item) {
        boolean sameChat = conversations.find(item.conversationId())
                .map(c -> c.inHandoff() && java.util.Objects.equals(c.providerChatId(), item.providerChatId()))
                .orElse(false);
        if (sameChat) {
            operatorEvents.finishedByProvider(item.conversationId(), "inactivity");
        }
    }

    private ClientTurn turn(ClientQueue.Item item) {
        ClientTurn turn = ClientTurn.of(item.conversationId()).withConversation(item.handoff(), null)
                .withRetried(item.attempts() > 0);
        return item.kind() == ClientQueue.Kind.CLOSE ? turn.withClosingText(read(item.body(), String.class)).asClose()
                : turn.withMessage(read(item.body(), ClientMessage.class));
    }

    private boolean isFile(ClientQueue.Item item) {
        return item.body().contains("\"file\":{");
    }

    private <T> T read(String body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("queued item unreadable", e);
        }
    }

    private static String kind(ClientQueue.Item item) {
        return item.kind() == ClientQueue.Kind.CLOSE ? "close" : "message";
    }

    long backoff(int attempts) {
        return ConversationWorkers.backoff(config.initialBackoff(), config.maxBackoff(), attempts);
    }

    private static Throwable unwrapped(Throwable failure) {
        Throwable found = failure;
        while ((found instanceof RuntimeCamelException || found instanceof org.apache.camel.CamelExecutionException)
                && found.getCause() != null) {
            found = found.getCause();
        }
        return found;
    }
}
