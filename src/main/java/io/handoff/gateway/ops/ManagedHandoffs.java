package io.handoff.gateway.ops;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.jmx.export.naming.SelfNaming;
import org.springframework.stereotype.Component;

/** {@code handoff:type=Handoffs}: handoffs started, failed and refused since the gateway started. */
@Component
@ManagedResource(description = "Handoffs since start: started, failed (5xx), refused because nobody was online")
public class ManagedHandoffs implements SelfNaming {

    private final HandoffMetrics metrics;
    private final OpsObjectNames names;

    public ManagedHandoffs(HandoffMetrics metrics, OpsObjectNames names) {
        this.metrics = metrics;
        this.names = names;
    }

    @Override
    public ObjectName getObjectName() throws MalformedObjectNameException {
        return names.of("Handoffs");
    }

    @ManagedAttribute(description = "Handoffs the provider accepted")
    public long getStarted() {
        return metrics.started();
    }

    @ManagedAttribute(description = "Handoffs answered with a 5xx (provider error or unavailable, not implemented, internal)")
    public long getFailed() {
        return metrics.failed();
    }

    @ManagedAttribute(description = "Handoffs refused with no-operators-online")
    public long getRefusedOffline() {
        return metrics.refusedOffline();
    }
}
