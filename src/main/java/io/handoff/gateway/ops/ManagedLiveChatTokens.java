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

import io.handoff.gateway.provider.livechat.LiveChatTokens;

/** {@code handoff:type=TokenCache,provider=livechat}: how the LiveChat token cache is doing; drop it on demand. */
@Component
@ManagedResource(description = "LiveChat token cache since start: hits, customer grants, agent refreshes, refusals")
public class ManagedLiveChatTokens implements SelfNaming {

    private static final Logger log = LoggerFactory.getLogger(ManagedLiveChatTokens.class);

    private final LiveChatTokens tokens;
    private final OpsObjectNames names;

    public ManagedLiveChatTokens(LiveChatTokens tokens, OpsObjectNames names) {
        this.tokens = tokens;
        this.names = names;
    }

    @Override
    public ObjectName getObjectName() throws MalformedObjectNameException {
        return names.of("TokenCache", "provider", LiveChatTokens.PROVIDER);
    }

    @ManagedAttribute(description = "Customer tokens served from the cache")
    public long getCacheHits() {
        return tokens.cacheHits();
    }

    @ManagedAttribute(description = "Customer tokens granted by LiveChat (agent_token grant)")
    public long getCustomerGrants() {
        return tokens.customerGrants();
    }

    @ManagedAttribute(description = "Agent tokens refreshed from the refresh token")
    public long getAgentRefreshes() {
        return tokens.agentRefreshes();
    }

    @ManagedAttribute(description = "Calls LiveChat refused as 'authentication' (tokens were dropped and obtained again)")
    public long getAuthenticationFailures() {
        return tokens.authenticationFailures();
    }

    @ManagedOperation(description = "Forget every cached LiveChat token; the next calls obtain fresh ones")
    public String dropCachedTokens() {
        int dropped = tokens.dropAll();
        log.info("LiveChat token cache dropped over JMX: {} token(s)", dropped);
        return "Dropped " + dropped + " cached LiveChat token(s)";
    }
}
