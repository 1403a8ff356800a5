package io.handoff.gateway.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.handoff.gateway.web.ProblemJson;

/**
 * A failure the bot is told about as RFC 9457 problem+json. The slug becomes
 * {@code urn:handoff:problem:<slug>}; slugs are part of the contract (gateway-api.md §3).
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final Map<String, Object> extensions;
    private final Integer retryAfterSeconds;

    /** A full queue drains as fast as the provider takes messages: a few seconds, not the next instant. */
    static final int QUEUE_FULL_RETRY_AFTER_SECONDS = 5;

    public ProblemException(int status, String slug, String title, String detail, Map<String, Object> extensions) {
        this(status, slug, title, detail, extensions, null);
    }

    private ProblemException(int status, String slug, String title, String detail, Map<String, Object> extensions,
                             Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.extensions = extensions == null ? Map.of() : new LinkedHashMap<>(extensions);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ProblemException invalidRequest(String detail, List<Map<String, String>> errors) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail,
                errors == null || errors.isEmpty() ? null : Map.of("errors", errors));
    }

    public static ProblemException unknownDestination(String detail, List<String> known) {
        return new ProblemException(422, "unknown-destination", "Unknown destination", detail,
                Map.of("knownDestinations", known));
    }

    public static ProblemException alreadyInHandoff(String detail) {
        return new ProblemException(409, "already-in-handoff", "Conversation already in a handoff", detail, null);
    }

    public static ProblemException notInHandoff(String detail) {
        return new ProblemException(409, "not-in-handoff", "Conversation is not in a handoff", detail, null);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail, null);
    }

    public static ProblemException notImplemented(String detail) {
        return new ProblemException(501, "not-implemented", "Provider not implemented", detail, null);
    }

    public static ProblemException noOperatorsOnline(String destination) {
        return new ProblemException(409, "no-operators-online", "No operator online",
                "No operator of destination '" + destination + "' is online; the conversation stays with the bot",
                Map.of("event", "noLivechatOperatorsOnline", "destination", destination));
    }

    /** 503: this instance already holds {@code handoff.api.max-long-polls} waiting pulls. */
    public static ProblemException tooManyLongPolls(int max) {
        return new ProblemException(503, "too-many-long-polls", "Too many long-polls",
                "This instance already holds " + max + " waiting pulls (handoff.api.max-long-polls); pull again "
                        + "after Retry-After seconds, or without wait. No event is lost meanwhile", null);
    }

    /** A provider's calls are held so long that its slots stay full for a while: seconds, not the next instant. */
    static final int PROVIDER_BUSY_RETRY_AFTER_SECONDS = 5;

    /**
     * 503: {@code provider} already has {@code max} calls in progress on this instance (it is slow or does not
     * answer); this one was not made and nothing changed. The bot tries again after Retry-After seconds.
     */
    public static ProblemException providerBusy(String provider, int max) {
        return new ProblemException(503, "provider-busy", "Provider busy",
                "Provider '" + provider + "' already has " + max + " calls in progress on this gateway instance "
                        + "(handoff.provider-calls.max-in-flight): it is slow or not answering. Nothing was done; "
                        + "try again after Retry-After seconds", Map.of("provider", provider, "maxInFlight", max),
                PROVIDER_BUSY_RETRY_AFTER_SECONDS);
    }

    /** A handoff opens within a provider call or two. */
    static final int HANDOFF_STARTING_RETRY_AFTER_SECONDS = 2;

    /**
     * 503: a platform's webhook about a conversation whose handoff is being opened: what the operator does
     * now belongs to that handoff, which is not stored yet. Nothing was recorded (not even the webhook's id),
     * so the platform's redelivery of it (LiveChat: 3 times within a minute; LiveTex: for 24 h) is taken.
     */
    public static ProblemException handoffStarting(String conversationId) {
        return new ProblemException(503, "handoff-starting", "Handoff starting",
                "The handoff of conversation '" + conversationId + "' is being opened; deliver this webhook again",
                null, HANDOFF_STARTING_RETRY_AFTER_SECONDS);
    }

    /**
     * 429: the conversation already has {@code max} messages waiting for the operator (its provider is down
     * or slow); nothing was stored. The bot sends it again after Retry-After seconds.
     */
    public static ProblemException queueFull(String conversationId, int max) {
        return new ProblemException(429, "queue-full", "Too many pending messages",
                "Conversation '" + conversationId + "' already has " + max + " messages waiting for the operator "
                        + "(handoff.relay.max-pending-per-conversation); this one was not stored. Send it again after "
                        + "Retry-After seconds", Map.of("maxPending", max), QUEUE_FULL_RETRY_AFTER_SECONDS);
    }

    /** The RFC 9457 body: type, title, status, detail and the extensions. */
    public Map<String, Object> body() {
        return body(status, slug, title, getMessage(), extensions);
    }

    public static Map<String, Object> body(int status, String slug, String title, String detail,
                                           Map<String, Object> extensions) {
        Map<String, Object> problem = ProblemJson.body(status, slug, title, detail);
        if (extensions != null) {
            problem.putAll(extensions);
        }
        return problem;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    /** The answer's Retry-After, or null: no header. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
