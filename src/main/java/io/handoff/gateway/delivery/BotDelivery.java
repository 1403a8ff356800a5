package io.handoff.gateway.delivery;

import java.time.Duration;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.conversation.ConversationWorkers;
import io.handoff.gateway.conversation.EventSignals;
import io.handoff.gateway.conversation.InstanceId;
import io.handoff.gateway.conversation.WorkerLanes;
import io.handoff.gateway.conversation.Workers;

/**
 * Pushes stored events to where {@link DeliveryTargets} says (the bot's callback, or a JAICP channel's
 * webhook), per conversation in seq order: a conversation's oldest undelivered event must be accepted (2xx) before the next is sent. A
 * failure schedules that conversation's next attempt with exponential backoff (kept in the database,
 * so a restart resumes where it was); other conversations go on meanwhile. Each target (the callback, each
 * JAICP channel's webhook) has its own {@code handoff.callback.parallelism} workers, so one that hangs holds
 * up only its own conversations. The HTTP call itself is the bot-delivery route.
 */
@Component("botDelivery")
public class BotDelivery implements ConversationWorkers.Owner, DeliveryKick {

    private static final Logger log = LoggerFactory.getLogger(BotDelivery.class);
    private final HandoffProperties.Callback config;
    private final DeliveryTargets targets;
    private final PendingEvents pending;
    private final ProducerTemplate camel;
    /** How long one attempt owns an event: another instance takes it over after that (handoff.delivery.lease). */
    private final long leaseMillis;
    private final String instance;
    /** One lane per target ({@link DeliveryTargets#laneOf}). */
    private final WorkerLanes workers;

    public BotDelivery(HandoffProperties properties, InstanceId instance, DeliveryTargets targets, PendingEvents pending,
                       ProducerTemplate camel, EventSignals signals) {
        this.config = properties.callback();
        this.leaseMillis = properties.delivery().lease().toMillis();
        this.instance = instance.value();
        this.targets = targets;
        this.pending = pending;
        this.camel = camel;
        this.workers = new WorkerLanes("bot-delivery", config.parallelism(), (lane, conversationId) -> deliver(conversationId));
        signals.onStored(this::kick);
    }

    public boolean enabled() {
        return targets.any();
    }

    @Override
    public Workers workers() {
        return workers;
    }

    /** Picks up what is due: events of other instances, backoffs that ran out, events left by a restart. */
    @Scheduled(fixedDelayString = "${handoff.callback.poll-interval:1s}", initialDelayString = "2s")
    public void sweep() {
        if (enabled() && workers.isRunning()) {
            pending.dueConversations(500).forEach(this::kick);
        }
    }

    /** Starts pushing the conversation's events unless that is already going on. */
    public void kick(String conversationId) {
        if (enabled()) {
            workers.kick(targets.laneOf(conversationId), conversationId);
        }
    }

    /** Makes every waiting event due and pushes now; returns how many were waiting. */
    @Override
    public int retryPendingNow() {
        int due = pending.makeAllDue();
        sweep();
        return due;
    }

    private void deliver(String conversationId) {
        Optional<PendingEvents.Pending> head;
        while (workers.isRunning() && (head = pending.head(conversationId)).isPresent()) {
            PendingEvents.Pending event = head.get();
            if (event.nextAttemptAt() > System.currentTimeMillis()) {
                return; // backing off, or leased by another instance
            }
            Optional<Long> lease = pending.claim(event, leaseMillis, instance);
            if (lease.isEmpty()) {
                return; // another instance took it first
            }
            DeliveryTargets.Delivery delivery = targets.resolve(conversationId, event.body());
            if (delivery instanceof DeliveryTargets.Send send && push(event, send)) {
                pending.delivered(event);
                log.info("conversation={} event seq={} delivered", conversationId, event.seq());
            } else if (delivery instanceof DeliveryTargets.Skip) {
                pending.delivered(event); // the receiver has no word for it
            } else {
                long delay = backoff(event.attempts() + 1);
                pending.retryLater(event, delay, instance, lease.get());
                log.info("conversation={} event seq={} not accepted (or no receiver yet); next try in {} ms",
                        conversationId, event.seq(), delay);
                return;
            }
        }
    }

    private boolean push(PendingEvents.Pending event, DeliveryTargets.Send send) {
        Exchange exchange = new DefaultExchange(camel.getCamelContext());
        exchange.setProperty(BotPush.PROPERTY, BotPush.of(event.conversationId(), send));
        Exchange done = camel.send("direct:bot-delivery", exchange);
        if (done.getException() != null) {
            log.info("conversation={} bot callback unreachable: {}", event.conversationId(), done.getException().toString());
            return false;
        }
        int status = done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        return status >= 200 && status < 300;
    }

    long backoff(int attempts) {
        return backoff(config.initialBackoff(), config.maxBackoff(), attempts);
    }

    /** Milliseconds before attempt {@code attempts + 1}: initial, doubled per failed attempt, at most max. */
    static long backoff(Duration initialBackoff, Duration maxBackoff, int attempts) {
        return ConversationWorkers.backoff(initialBackoff, maxBackoff, attempts);
    }
}
