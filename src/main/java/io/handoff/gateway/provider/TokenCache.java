package io.handoff.gateway.provider;

/** A provider's credential cache, for operations ({@code handoff:type=TokenCache,provider=<name>} and the token meters). */
public interface TokenCache {

    /** The provider's name, the {@code provider} key and tag. */
    String provider();

    /** The provider's name as people write it (LiveChat), for operations' messages. */
    default String displayName() {
        return provider();
    }

    long cacheHits();

    long customerGrants();

    long agentRefreshes();

    long authenticationFailures();

    /** Forgets every cached token; returns how many there were. */
    int dropAll();
}
