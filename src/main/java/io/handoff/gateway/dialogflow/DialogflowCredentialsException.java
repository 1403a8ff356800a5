package io.handoff.gateway.dialogflow;

/**
 * No access token for an agent: its key is unusable, Application Default Credentials are not set up, or the token
 * endpoint refused the grant or could not be reached. The message names the agent, the resource and the token
 * endpoint's own error code, never the key, the signed assertion or a token.
 */
public class DialogflowCredentialsException extends DialogflowException {

    public DialogflowCredentialsException(String message, boolean retryable) {
        super(message, retryable);
    }
}
