package io.handoff.gateway.provider.livechat;

import io.handoff.gateway.provider.ProviderException;

/**
 * LiveChat answered {@code misdirected_request}: the call reached the servers of another data-center region than
 * the license's, which LiveChat names. Retried once at once in that region when it is news (see
 * {@link LiveChatRegions}); otherwise a permanent failure, as any other refusal.
 */
public class LiveChatMisdirectedException extends ProviderException {

    private final String region;

    LiveChatMisdirectedException(int httpStatus, String message, String region) {
        super("LiveChat", httpStatus, LiveChatRegions.MISDIRECTED, message, false, false);
        this.region = region;
    }

    /** The region LiveChat named in {@code error.data.region}. */
    public String region() {
        return region;
    }
}
