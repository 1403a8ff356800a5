package io.handoff.gateway.provider;

/** The provider refused our token: the routes drop the cached token, obtain a fresh one and retry once. */
public class ProviderAuthenticationException extends ProviderException {

    public ProviderAuthenticationException(String provider, int httpStatus, String errorType, String message) {
        super(provider, httpStatus, errorType, message, false, false);
    }
}
