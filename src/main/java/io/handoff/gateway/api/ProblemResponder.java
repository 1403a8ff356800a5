package io.handoff.gateway.api;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import io.handoff.gateway.files.ClientFileRefusedException;
import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.provider.ProviderNotBuiltException;
import io.handoff.gateway.provider.WebhookRejectedException;
import io.handoff.gateway.provider.WebhookTooEarlyException;

/**
 * Turns whatever stopped an exchange into RFC 9457 problem+json for the bot, undoes what the exchange
 * had claimed, and stops the exchange so no later step runs (even when called from a sub-route).
 */
@Component("problemResponder")
public class ProblemResponder implements Processor {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponder.class);

    private final ApiResponse response;
    private final ApplicationEventPublisher events;

    public ProblemResponder(ApiResponse response, ApplicationEventPublisher events) {
        this.response = response;
        this.events = events;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable cause = unwrapped(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        if (cause instanceof WebhookTooEarlyException early) {
            cause = ProblemException.handoffStarting(early.conversationId());
        }
        Map<String, Object> problem = toProblem(cause, exchange);
        int status = (Integer) problem.get("status");
        String type = (String) problem.get("type");
        events.publishEvent(new ProblemAnswered(exchange, status, type.substring(type.lastIndexOf(':') + 1), cause));
        Compensations.runAll(exchange);
        response.write(exchange, status, "application/problem+json", problem);
        if (cause instanceof ProblemException p && p.retryAfterSeconds() != null) {
            exchange.getMessage().setHeader("Retry-After", p.retryAfterSeconds());
        }
        exchange.setRouteStop(true);
    }

    Map<String, Object> toProblem(Throwable cause, Exchange exchange) {
        String conversationId = ConversationScoped.conversationIdOf(exchange);
        if (cause instanceof ProblemException p) {
            log.info("conversation={} refused: {} {}", conversationId, p.status(), p.slug());
            return problem(p.status(), p.slug(), p.title(), p.getMessage(), p.extensions());
        }
        if (cause instanceof ClientFileRefusedException f) {
            int status = f.tooLarge() ? 413 : 400;
            log.info("conversation={} refused: {} {}", conversationId, status, f.tooLarge() ? "payload-too-large" : "invalid-request");
            return f.tooLarge()
                    ? problem(413, "payload-too-large", "Payload too large", f.getMessage(), null)
                    : problem(400, "invalid-request", "Invalid request", f.getMessage(), null);
        }
        if (cause instanceof WebhookRejectedException w) {
            return w.unauthorized()
                    ? problem(401, "unauthorized", "Unauthorized", w.getMessage(), null)
                    : problem(400, "invalid-request", "Invalid request", w.getMessage(), null);
        }
        if (cause instanceof ProviderNotBuiltException n) {
            log.info("conversation={} refused: 501 not-implemented", conversationId);
            return problem(501, "not-implemented", "Provider not implemented", n.getMessage(), null);
        }
        if (cause instanceof ProviderException p) {
            log.warn("conversation={} provider failure: {}", conversationId, p.getMessage());
            return p.unavailable()
                    ? problem(503, "provider-unavailable", "Operator platform unavailable", p.getMessage(), null)
                    : problem(502, "provider-error", "Operator platform error", p.getMessage(), null);
        }
        if (cause instanceof IOException io) {
            log.warn("conversation={} provider unreachable: {}", conversationId, io.toString());
            return problem(503, "provider-unavailable", "Operator platform unavailable",
                    "The operator platform could not be reached: " + io.getClass().getSimpleName(), null);
        }
        String reference = UUID.randomUUID().toString();
        log.error("conversation={} failed, reference {}", conversationId, reference, cause);
        return problem(500, "internal-error", "Internal error",
                "The gateway failed; the log has the details under reference " + reference, null);
    }

    /** A bean called from an expression (setProperty/setBody with method) arrives wrapped by Camel. */
    static Throwable unwrapped(Throwable cause) {
        Throwable found = cause;
        while (found instanceof org.apache.camel.RuntimeCamelException && found.getCause() != null) {
            found = found.getCause();
        }
        return found;
    }

    private static Map<String, Object> problem(int status, String slug, String title, String detail,
                                               Map<String, Object> extensions) {
        return ProblemException.body(status, slug, title, detail, extensions);
    }
}
