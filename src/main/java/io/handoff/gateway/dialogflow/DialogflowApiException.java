package io.handoff.gateway.dialogflow;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A detectIntent call that failed, classified for the retry rule of shared/spec/gateway-api.md §7: detectIntent is not
 * idempotent (Google), so a call is repeated only when Dialogflow cannot have acted on it: the connection was refused
 * (or the host not found), {@code 429 RESOURCE_EXHAUSTED}, {@code 503 UNAVAILABLE}. A timeout, a reset connection and
 * every other status are final. {@link #unavailable()} tells a 503 problem (unreachable, rate-limited) from a 502 (an
 * error answer).
 */
public class DialogflowApiException extends DialogflowException {

    private final int status;

    DialogflowApiException(String message, int status, boolean retryable) {
        super(message, retryable);
        this.status = status;
    }

    /** An error answer, from its HTTP status and Google's {@code {"error": {code, message, status}}} body if any. */
    public static DialogflowApiException fromAnswer(int status, String body, ObjectMapper json) {
        String detail = "";
        try {
            JsonNode error = body == null || body.isBlank() ? null : json.readTree(body).get("error");
            if (error != null && error.isObject()) {
                detail = " " + error.path("status").asText("") + ": " + truncate(error.path("message").asText(""));
            }
        } catch (Exception notJson) {
            detail = " (not Google's error JSON)";
        }
        boolean retryable = status == 429 || status == 503;
        return new DialogflowApiException("Dialogflow answered " + status + detail, status, retryable);
    }

    /** A call that got no answer; only a refused connection (nothing was sent) is retryable. */
    public static DialogflowApiException fromIoFailure(Throwable failure) {
        boolean notSent = failure instanceof ConnectException || failure instanceof NoRouteToHostException
                || failure instanceof UnknownHostException;
        return new DialogflowApiException("Dialogflow could not be reached: " + failure.getClass().getSimpleName()
                + (notSent ? " (nothing was sent)" : " (the call may have reached Dialogflow; not repeated)"), 0, notSent);
    }

    /** The HTTP status of the answer, 0 when there was none. */
    public int status() {
        return status;
    }

    /** No answer (refused, timed out, reset), 429 or 5xx; a 4xx other than 429 (400, 403, 404) is permanent. */
    @Override
    public boolean transientFailure() {
        return status == 0 || status == 429 || status >= 500;
    }

    /** Unreachable or rate-limited (a 503 problem for the caller); else an error answer (502). */
    public boolean unavailable() {
        return status == 0 || status == 429 || status == 503;
    }

    private static String truncate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
