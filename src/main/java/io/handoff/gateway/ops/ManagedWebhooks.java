package io.handoff.gateway.ops;

import java.util.Map;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.jmx.export.naming.SelfNaming;
import org.springframework.stereotype.Component;

/** {@code handoff:type=Webhooks}: provider webhooks the gateway refused. */
@Component
@ManagedResource(description = "Provider webhooks refused since start (wrong secret, malformed body)")
public class ManagedWebhooks implements SelfNaming {

    private final WebhookRejections rejections;
    private final OpsObjectNames names;

    public ManagedWebhooks(WebhookRejections rejections, OpsObjectNames names) {
        this.rejections = rejections;
        this.names = names;
    }

    @Override
    public ObjectName getObjectName() throws MalformedObjectNameException {
        return names.of("Webhooks");
    }

    @ManagedAttribute(description = "Webhooks refused, all providers")
    public long getRejected() {
        return rejections.total();
    }

    @ManagedAttribute(description = "Webhooks refused, by provider")
    public Map<String, Long> getRejectedByProvider() {
        return rejections.byProvider();
    }
}
