package io.handoff.gateway.dialogflow;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.api.ProblemException;

/**
 * The steps of direct:dialogflow-detect-intent around the HTTP call: the Authorization header, the classification of a
 * failed call (what may be retried, {@link DialogflowApiException}), and the parsed answer. Also the processor that
 * turns a {@link DialogflowException} into the caller's 502/503 problem before api.ProblemResponder answers.
 */
@Component("dialogflowCalls")
public class DialogflowCalls implements Processor {

    private static final Logger log = LoggerFactory.getLogger(DialogflowCalls.class);

    private final DialogflowCredentials credentials;
    private final DetectIntentResponses responses;
    private final ObjectMapper json;

    public DialogflowCalls(DialogflowCredentials credentials, ObjectMapper json) {
        this.credentials = credentials;
        this.json = json;
        this.responses = new DetectIntentResponses(json);
    }

    /** {@code Bearer <token>}, cached until shortly before it expires. The token goes into the header only. */
    public String authorization(DialogflowCall call) {
        return "Bearer " + credentials.accessToken(call.agentName());
    }

    /** After a 401 (a revoked token, a skewed clock): a new token, for the one repeat of the call. */
    public String renewedAuthorization(DialogflowCall call) {
        log.info("conversation={} Dialogflow agent {} refused the token (401): renewed once", call.conversationId(),
                call.agentName());
        return "Bearer " + credentials.renewAccessToken(call.agentName());
    }

    /** The call got no answer: only a refused connection may be retried (detectIntent is not idempotent). */
    public void unreachable(DialogflowCall call, Throwable failure) {
        DialogflowApiException classified = DialogflowApiException.fromIoFailure(failure);
        log.warn("conversation={} Dialogflow agent {}: {}", call.conversationId(), call.agentName(), classified.getMessage());
        throw classified;
    }

    /** The answer: the parsed result for a 2xx; otherwise the failure, retryable for 429 and 503 only. */
    public DetectIntentResult result(DialogflowCall call, Integer status, String body) {
        int code = status == null ? 0 : status;
        if (code < 200 || code >= 300) {
            DialogflowApiException failure = DialogflowApiException.fromAnswer(code, body, json);
            log.warn("conversation={} Dialogflow agent {}: {}", call.conversationId(), call.agentName(), failure.getMessage());
            throw failure;
        }
        return responses.parse(call.agent().edition(), body);
    }

    /** onWhen of the retry: the failure (wrapped by Camel when a bean expression threw it) may be repeated safely. */
    public boolean retryable(Throwable failure) {
        return unwrapped(failure) instanceof DialogflowException d && d.retryable();
    }

    static Throwable unwrapped(Throwable failure) {
        Throwable found = failure;
        while (found instanceof org.apache.camel.RuntimeCamelException && found.getCause() != null) {
            found = found.getCause();
        }
        return found;
    }

    /** onException: the Dialogflow failure as the bot's problem (502 or 503); api.ProblemResponder then answers it. */
    @Override
    public void process(Exchange exchange) {
        Throwable caught = unwrapped(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        if (caught instanceof DialogflowException failure) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, problem(failure));
        }
    }

    static ProblemException problem(DialogflowException failure) {
        boolean unavailable = failure instanceof DialogflowApiException api ? api.unavailable() : failure.retryable();
        // true of the text's call, the only one answered this way: nothing is kept before it, and the offline
        // event's failure (after the switch) is answered 200 by dialogflow-offline-retry instead
        String detail = failure.getMessage() + "; the transcript is unchanged, the message may be sent again";
        return unavailable
                ? new ProblemException(503, "dialogflow-unavailable", "Dialogflow unavailable", detail, null)
                : new ProblemException(502, "dialogflow-error", "Dialogflow error", detail, null);
    }
}
