package io.handoff.gateway.provider;

/**
 * A destination names a provider this gateway version does not build (one listed in
 * {@code handoff.planned-providers}): the bot gets 501 not-implemented.
 */
public class ProviderNotBuiltException extends RuntimeException {

    public ProviderNotBuiltException(String destination, String provider) {
        super("Destination '" + destination + "' uses provider '" + provider
                + "', which this gateway version does not support yet");
    }
}
