package io.handoff.gateway.ops;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.jmx.export.naming.SelfNaming;
import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.ConversationStatistics;
import io.handoff.gateway.delivery.DeliveryKick;

/** {@code handoff:type=EventDelivery}: events waiting for the bot, and a nudge to deliver them now. */
@Component
@ManagedResource(description = "Events stored for the bot and not delivered yet; retry their delivery now")
public class ManagedEventDelivery implements SelfNaming {

    private static final Logger log = LoggerFactory.getLogger(ManagedEventDelivery.class);

    private final ConversationStatistics statistics;
    private final DeliveryKick delivery;
    private final OpsObjectNames names;

    public ManagedEventDelivery(ConversationStatistics statistics, DeliveryKick delivery,
                                OpsObjectNames names) {
        this.statistics = statistics;
        this.delivery = delivery;
        this.names = names;
    }

    @Override
    public ObjectName getObjectName() throws MalformedObjectNameException {
        return names.of("EventDelivery");
    }

    @ManagedAttribute(description = "Events stored and not yet delivered to the bot")
    public long getPending() {
        return statistics.pendingEvents();
    }

    @ManagedAttribute(description = "Seconds the oldest undelivered event has waited (0 when none)")
    public long getOldestPendingAgeSeconds() {
        return statistics.oldestPendingAge().toSeconds();
    }

    @ManagedOperation(description = "Make every pending event due now instead of after its backoff")
    public String retryPendingNow() {
        try {
            int due = delivery.retryPendingNow();
            log.info("event delivery retried over JMX: {} pending event(s) made due", due);
            return due + " pending event(s) made due now";
        } catch (RuntimeException e) {
            log.warn("event delivery retry over JMX failed: {}", e.getMessage());
            return "Failed: " + e.getMessage();
        }
    }
}
