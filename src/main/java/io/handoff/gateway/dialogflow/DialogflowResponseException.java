package io.handoff.gateway.dialogflow;

/** Dialogflow answered 2xx with something that is not a detectIntent response: a 502 for the caller, not retried. */
public class DialogflowResponseException extends DialogflowException {

    public DialogflowResponseException(String message) {
        super(message, false);
    }
}
