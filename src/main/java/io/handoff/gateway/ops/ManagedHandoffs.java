package io.handoff.gateway.ops;

import java.util.Map;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.jmx.export.naming.SelfNaming;
import org.springframework.stereotype.Component;

import io.handoff.gateway.routing.ProviderCallLimits;

/**
 * {@code handoff:type=Handoffs}: handoffs started, failed and refused since the gateway started, and the calls
 * each provider has in progress for a waiting caller.
 */
@Component
@ManagedResource(description = "Handoffs since start: started, failed (5xx), refused because nobody was online")
public class ManagedHandoffs implements SelfNaming {

    private final HandoffMetrics metrics;
    private final OpsObjectNames names;
    private final ProviderCallLimits callLimits;

    public ManagedHandoffs(HandoffMetrics metrics, OpsObjectNames names, ProviderCallLimits callLimits) {
        this.metrics = metrics;
        this.names = names;
        this.callLimits = callLimits;
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

    @ManagedAttribute(description = "Calls a caller waits for (handoffs, JAICP availability asks) in progress per provider "
            + "on this instance; at handoff.provider-calls.max-in-flight the next is refused with 503 provider-busy")
    public Map<String, Integer> getInFlightByProvider() {
        return callLimits.inFlightByProvider();
    }
}
