package io.handoff.gateway.provider;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One operator platform the gateway is built with, described by the bean of its package
 * ({@code provider.<name>.<Name>Provider}). Its routes offer the entry points {@link #ENTRY_POINTS}
 * as {@code direct:<name>-<entry point>}; the start-up checks they exist (routing.ProviderEntryPoints).
 */
public interface Provider {

    /**
     * What the dispatch routes (provider-dispatch.camel.yaml) call on every provider:
     * <ul>
     *   <li>{@code handoff}: open the chat; reads property {@code handoff}, sets property {@code providerChat}</li>
     *   <li>{@code relay}: one client message; reads property {@code relay}</li>
     *   <li>{@code close}: the client's close; reads property {@code relay}</li>
     *   <li>{@code availability}: which groups have someone online, without spending tokens; the body becomes an {@link Availability}</li>
     * </ul>
     */
    List<String> ENTRY_POINTS = List.of("handoff", "relay", "close", "availability");

    /** The name in {@code handoff.destinations.<d>.provider} and the prefix of the provider's routes. */
    String name();

    /** Checks a destination's group ids at start-up; throws IllegalStateException naming what to fix. */
    default void checkGroupIds(String destination, List<String> groupIds) {
    }

    /** The base URLs the readiness probe GETs, by a short name shown in the details (e.g. api, accounts). */
    Map<String, URI> healthEndpoints();

    /** The provider's entry points as {@code direct:} endpoint names. */
    default List<String> entryPoints() {
        return ENTRY_POINTS.stream().map(entry -> name() + "-" + entry).toList();
    }
}
