package io.handoff.gateway.provider;

/**
 * A provider's webhook the gateway refuses: a wrong shared secret ({@code unauthorized}, 401) or a body
 * that is not the platform's envelope (400). The API layer answers it and counts it per provider.
 */
public class WebhookRejectedException extends RuntimeException {

    private final String provider;
    private final boolean unauthorized;

    private WebhookRejectedException(String provider, boolean unauthorized, String detail) {
        super(detail);
        this.provider = provider;
        this.unauthorized = unauthorized;
    }

    /** The shared secret (LiveChat's secret_key, LiveTex's webhook_key) is wrong or missing: 401. */
    public static WebhookRejectedException wrongSecret(String provider, String detail) {
        return new WebhookRejectedException(provider, true, detail);
    }

    /** Not the platform's webhook envelope: 400. */
    public static WebhookRejectedException malformed(String provider, String detail) {
        return new WebhookRejectedException(provider, false, detail);
    }

    public String provider() {
        return provider;
    }

    public boolean unauthorized() {
        return unauthorized;
    }
}
