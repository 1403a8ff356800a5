package io.handoff.gateway.dialogflow;

/**
 * A failure talking to Dialogflow or to Google's token endpoint. The message is safe to log and to show: it never
 * holds a key, an assertion or a token, and no library exception is chained (their messages are not ours to vouch
 * for).
 */
public class DialogflowException extends RuntimeException {

    private final boolean retryable;

    public DialogflowException(String message, boolean retryable) {
        super(message, null, false, true);
        this.retryable = retryable;
    }

    /**
     * Whether trying the same call again is safe and may succeed. detectIntent is not idempotent (Google), so only
     * failures that show Dialogflow did not act on it count: connection refused, 429 and 503.
     */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Whether the failure may pass (a later try may succeed), whether or not Dialogflow acted on the call: for calls
     * nobody waits on and that may be repeated (the resume event). Here: what {@link #retryable()} says.
     */
    public boolean transientFailure() {
        return retryable;
    }
}
