package io.handoff.gateway.ops;

import java.util.Map;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.jmx.export.naming.SelfNaming;
import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.ClientQueue;
import io.handoff.gateway.relay.ClientMessageDelivery;

/** {@code handoff:type=ClientMessages}: the client-message queue (messages and closes not yet at the provider). */
@Component
@ManagedResource(description = "Client messages accepted and not yet delivered to the operator platform; retry them now")
public class ManagedClientMessages implements SelfNaming {

    private static final Logger log = LoggerFactory.getLogger(ManagedClientMessages.class);

    private final ClientQueue queue;
    private final ClientMessageDelivery delivery;
    private final OpsObjectNames names;

    public ManagedClientMessages(ClientQueue queue, ClientMessageDelivery delivery, OpsObjectNames names) {
        this.queue = queue;
        this.delivery = delivery;
        this.names = names;
    }

    @Override
    public ObjectName getObjectName() throws MalformedObjectNameException {
        return names.of("ClientMessages");
    }

    @ManagedAttribute(description = "Messages and closes not yet delivered, per provider")
    public Map<String, Long> getPendingByProvider() {
        return queue.pendingByProvider();
    }

    @ManagedAttribute(description = "Conversations being delivered now or waiting for a worker, per provider: "
            + "handoff.relay.parallelism or more for a provider whose calls hang")
    public Map<String, Integer> getInProgressByProvider() {
        return delivery.inProgressByProvider();
    }

    @ManagedAttribute(description = "Messages and closes not yet delivered, all providers")
    public long getPending() {
        return queue.pendingByProvider().values().stream().mapToLong(Long::longValue).sum();
    }

    @ManagedAttribute(description = "Seconds the oldest undelivered message has waited (0 when none)")
    public long getOldestPendingAgeSeconds() {
        return queue.oldestPendingAge().toSeconds();
    }

    @ManagedOperation(description = "Make every waiting message due now instead of after its backoff")
    public String retryNow() {
        try {
            int due = delivery.retryNow();
            log.info("client messages retried over JMX: {} made due", due);
            return due + " waiting message(s) made due now";
        } catch (RuntimeException e) {
            log.warn("client message retry over JMX failed: {}", e.getMessage());
            return "Failed: " + e.getMessage();
        }
    }
}
