package io.handoff.gateway.files;

/**
 * A client's file the gateway will not pass on, as the bot is told (the API layer maps it): one it could
 * not fetch, whatever the reason (400 {@code invalid-request}, always the same detail, the reason being in
 * the log only), or one over {@code handoff.relay.max-file-size} (413 {@code payload-too-large}). It has no
 * cause, so no retry policy mistakes it for an I/O failure worth trying again.
 */
public class ClientFileRefusedException extends RuntimeException {

    /** The bot's only answer for any file the gateway did not fetch. */
    public static final String NOT_FETCHED = "the file could not be fetched";

    private final boolean tooLarge;

    private ClientFileRefusedException(boolean tooLarge, String detail) {
        super(detail, null, false, false);
        this.tooLarge = tooLarge;
    }

    /** Not fetched (refused URL, unreachable host, non-2xx, timeout, cut at the limit): 400. */
    public static ClientFileRefusedException notFetched() {
        return new ClientFileRefusedException(false, NOT_FETCHED);
    }

    /** Declared larger than the limit by the bot itself: 413, nothing to hide. */
    public static ClientFileRefusedException tooLarge(long maxBytes) {
        return new ClientFileRefusedException(true,
                "The file is larger than handoff.relay.max-file-size (" + maxBytes + " bytes)");
    }

    /** True for 413 (over the size limit), false for 400 (not fetched). */
    public boolean tooLarge() {
        return tooLarge;
    }
}
