package io.handoff.gateway.provider;

/**
 * An operator platform answered with an error. {@code retryable} failures (5xx, rate limits,
 * "service unavailable") are redelivered with backoff by the routes; the rest are reported at once.
 * Messages carry the provider's error type and text, never a token or a key.
 */
public class ProviderException extends RuntimeException {

    private final String provider;
    private final int httpStatus;
    private final String errorType;
    private final boolean retryable;
    private final boolean unavailable;

    public ProviderException(String provider, int httpStatus, String errorType, String message,
                             boolean retryable, boolean unavailable) {
        super(provider + " answered " + httpStatus + (errorType == null ? "" : " " + errorType)
                + (message == null || message.isBlank() ? "" : ": " + message));
        this.provider = provider;
        this.httpStatus = httpStatus;
        this.errorType = errorType;
        this.retryable = retryable;
        this.unavailable = unavailable;
    }

    /** The gateway's own side is not set up for the provider (a missing key or id): 502, never retried. */
    public static ProviderException notConfigured(String provider, String detail) {
        return new ProviderException(provider, detail);
    }

    private ProviderException(String provider, String detail) {
        super(detail);
        this.provider = provider;
        this.httpStatus = 0;
        this.errorType = "not-configured";
        this.retryable = false;
        this.unavailable = false;
    }

    public String provider() {
        return provider;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String errorType() {
        return errorType;
    }

    /** True when trying again later may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** True when the provider is unreachable, overloaded or rate-limiting (503 for the bot) rather than failing (502). */
    public boolean unavailable() {
        return unavailable;
    }
}
