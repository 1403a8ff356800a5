package io.handoff.gateway.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedResource;

import io.handoff.gateway.provider.TokenCache;

/** {@code handoff:type=TokenCache,provider=<name>}: how a provider's token cache is doing; drop it on demand. */
@ManagedResource(description = "A provider's token cache since start: hits, customer grants, agent refreshes, refusals")
public class ManagedTokenCache {

    private static final Logger log = LoggerFactory.getLogger(ManagedTokenCache.class);

    private final TokenCache tokens;

    public ManagedTokenCache(TokenCache tokens) {
        this.tokens = tokens;
    }

    @ManagedAttribute(description = "Customer tokens served from the cache")
    public long getCacheHits() {
        return tokens.cacheHits();
    }

    @ManagedAttribute(description = "Customer tokens granted by the provider")
    public long getCustomerGrants() {
        return tokens.customerGrants();
    }

    @ManagedAttribute(description = "Agent tokens refreshed from the refresh token")
    public long getAgentRefreshes() {
        return tokens.agentRefreshes();
    }

    @ManagedAttribute(description = "Calls the provider refused as 'authentication' (tokens were dropped and obtained again)")
    public long getAuthenticationFailures() {
        return tokens.authenticationFailures();
    }

    @ManagedOperation(description = "Forget every cached token; the next calls obtain fresh ones")
    public String dropCachedTokens() {
        int dropped = tokens.dropAll();
        log.info("{} token cache dropped over JMX: {} token(s)", tokens.displayName(), dropped);
        return "Dropped " + dropped + " cached " + tokens.displayName() + " token(s)";
    }
}
