package io.handoff.gateway.provider;

/** A provider failure worth retrying with backoff: 5xx, rate limiting, temporary unavailability. */
public class ProviderTransientException extends ProviderException {

    public ProviderTransientException(String provider, int httpStatus, String errorType, String message, boolean unavailable) {
        super(provider, httpStatus, errorType, message, true, unavailable);
    }
}
