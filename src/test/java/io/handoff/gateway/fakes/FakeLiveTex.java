package io.handoff.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.sandbox.platform.LiveTexPlatform;
import io.handoff.gateway.sandbox.platform.Refusal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stateful in-process fake of the LiveTex Messaging API 1.0 and of the webhooks LiveTex sends back. Shapes follow
 * {@code shared/reference/livetex-jaicp-dialogflow.md} §2; it checks what the real service checks (key in the query,
 * JSON body and Content-Type, required fields and their types, {@code destination_type "Department"}, known
 * destination ids, webhook URL scheme) so a protocol mistake fails a test.
 *
 * <p>Order of checks: route ({@code POST /1.0/<method>}, else 404 code 6), key (codes 1, 2), body (3, 4), data (9;
 * 5 for the setWebhook url). A call that passes them is recorded (see {@link #count}) and only then may consume a
 * {@link #failNext} fault, so an injected failure never changes state. State checks (unknown destination id, code 9)
 * come after that. UNVERIFIED: the code for a body sent without {@code Content-Type: application/json} is
 * undocumented; the fake answers 400 code 4.
 *
 * <p>Routing: a user's destination (the open "appeal") holds until an operator closes it. Messages sent while none is
 * selected are accepted and kept, as LiveTex queues them. A second selectDestination replaces the first (UNVERIFIED).
 *
 * <p>Webhooks: only the operator methods ({@link #operatorSays} etc.) send them, synchronously, and return the HTTP
 * status (0 when no target is set, -1 when it cannot be reached). The fake never sends one on its own: no automatic
 * SelectDestination, no replay of webhooks missed while no target was set; {@link #resendLastWebhook} stands for
 * LiveTex's retries (for up to 24 h). Timestamps are Unix milliseconds, as in the sendText response (the webhook docs
 * say only "Unix time").
 *
 * <p>The rules are {@link LiveTexPlatform}'s, shared with the sandbox; this class adds the HTTP server, recording,
 * faults and inspection.
 *
 * <p>Thread-safe: all state is guarded by one lock, which is never held while sleeping or sending a webhook.
 */
public final class FakeLiveTex extends FakePlatformServer {

    public static final String KEY = "fake-livetex-key";
    /** The Messaging API touch point, as reported in Closed webhooks. */
    public static final String TOUCH_POINT_ID = "fake-touch-point";
    /** The only destination type LiveTex 1.0 accepts. */
    public static final String DESTINATION_TYPE = LiveTexPlatform.DESTINATION_TYPE;

    private static final String API_PREFIX = "/1.0";
    /** LiveTex waits this long for the webhook receiver before it retries. */
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(60);

    // Guarded by lock: the model, and the webhooks it produced during the current call.
    private final LiveTexPlatform platform;
    private final List<Webhook> outbox = new ArrayList<>();

    private FakeLiveTex() throws IOException {
        super("fake-livetex", LiveTexPlatform.METHODS, WEBHOOK_TIMEOUT);
        platform = new LiveTexPlatform(KEY, TOUCH_POINT_ID, (url, body) -> outbox.add(Webhook.of(url, body)));
        serve();
    }

    /** Starts a fake on 127.0.0.1 with an ephemeral port. */
    public static FakeLiveTex start() {
        try {
            return new FakeLiveTex();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeLiveTex", e);
        }
    }

    // ---------------------------------------------------------------- URLs and configuration

    /** Like {@code https://messaging.livetex.ru/1.0}; methods are {@code POST <apiUrl>/<method>?key=<key>}. */
    public String apiUrl() {
        return origin() + API_PREFIX;
    }

    /** Adds or replaces (by id) a Department of the touch point; {@code name} may be null. None by default. */
    public void destination(String id, String name, boolean hasOnline) {
        synchronized (lock) {
            platform.destination(id, name, hasOnline);
        }
    }

    /** Where webhooks go, as if setWebhook had been called; {@code null} url stops sending them. */
    public void webhookTarget(String url, String key) {
        synchronized (lock) {
            platform.webhookTarget(url, key);
        }
    }

    // ---------------------------------------------------------------- fault injection

    /**
     * The next {@code times} calls of {@code method} that pass auth and validation answer {@code httpStatus} with
     * {@code {"success":false,"error_code":errorCode,"error_message":"injected"}} and change nothing. They still count
     * in {@link #count}, so a test can see the retries.
     */
    public void failNext(String method, int times, int httpStatus, int errorCode) {
        queueFaults(method, times, ApiError.of(LiveTexPlatform.refusal(httpStatus, errorCode, "injected")));
    }

    // ---------------------------------------------------------------- operator side

    /** An operator's text in the user's open appeal; sends {@code TextMessage}. Returns the webhook's HTTP status. */
    public int operatorSays(String userId, String employeeId, String firstName, String text) {
        return asOperator(() -> {
            requireOpenAppeal(userId);
            platform.operatorSays(userId, employeeId, firstName, text);
        });
    }

    /** An operator's file in the user's open appeal; sends {@code FileMessage}. Returns the webhook's HTTP status. */
    public int operatorSendsFile(String userId, String employeeId, String firstName, String url, String name,
                                 long size) {
        return asOperator(() -> {
            requireOpenAppeal(userId);
            platform.operatorSendsFile(userId, employeeId, firstName, url, name, size);
        });
    }

    /** The operator closes the appeal, which unselects the destination; sends {@code Closed}. Returns the status. */
    public int operatorCloses(String userId, String employeeId, String firstName) {
        return asOperator(() -> {
            requireOpenAppeal(userId);
            platform.operatorCloses(userId, employeeId, firstName);
        });
    }

    /** LiveTex asks for a destination; sends {@code SelectDestination} listing all of them (without has_online). */
    public int askToSelectDestination(String userId) {
        return asOperator(() -> platform.askToSelectDestination(userId));
    }

    /** A hold message from the cabinet's scenarios; sends {@code HoldMessage}. Returns the webhook's HTTP status. */
    public int holdMessage(String userId, String text) {
        return asOperator(() -> platform.holdMessage(userId, text));
    }

    /** A message the user sent reached the operator; sends {@code MessageDelivered}. Returns the HTTP status. */
    public int delivered(String userId, String messageId) {
        return asOperator(() -> platform.delivered(userId, messageId));
    }

    // ---------------------------------------------------------------- inspection

    /** Query parameters of the counted calls (the {@code key} among them). */
    public List<Map<String, String>> queries(String method) {
        return recorded(method).stream().map(Call::query).toList();
    }

    /** The destination id of the user's open appeal; empty before selectDestination and after Closed. */
    public Optional<String> currentDestination(String userId) {
        synchronized (lock) {
            return platform.currentDestination(userId);
        }
    }

    /**
     * What the user sent, oldest first: {@code {message_id, timestamp, type:"text", text, destination}} or
     * {@code {message_id, timestamp, type:"file", url, file_name?, size?, comment?, destination}}, where
     * {@code destination} is the destination id at the time, or null when the message was queued.
     */
    public List<JsonNode> messagesOf(String userId) {
        synchronized (lock) {
            return platform.messagesOf(userId);
        }
    }

    /** The {@code attributes} of the user's last selectDestination (kept after Closed); empty if none. */
    public Map<String, String> attributesOf(String userId) {
        synchronized (lock) {
            return platform.attributesOf(userId);
        }
    }

    /**
     * Forgets destinations, users, recorded calls, faults, delays and webhook history, and comes back up. Keeps the
     * webhook target, which usually points at the application context shared by several tests.
     */
    public void reset() {
        synchronized (lock) {
            resetServer();
            platform.reset();
        }
    }

    // ---------------------------------------------------------------- routing

    /** The API method a request names, or null when it is not {@code POST /1.0/<known method>}. */
    @Override
    String operationOf(Request request) {
        String prefix = API_PREFIX + "/";
        if (!request.verb().equals("POST") || !request.path().startsWith(prefix)) {
            return null;
        }
        String method = request.path().substring(prefix.length());
        return LiveTexPlatform.METHODS.contains(method) ? method : null;
    }

    @Override
    Reply dispatch(String method, Request request) {
        if (method == null) {
            throw ApiError.of(LiveTexPlatform.unsupported(request.verb(), request.path()));
        }
        synchronized (lock) {
            try {
                return Reply.json(200, platform.call(request.verb(), method, request.query().get("key"),
                        request.headers().get("content-type"), request.body(),
                        checked -> accept(method, request, checked)));
            } catch (Refusal refusal) {
                throw ApiError.of(refusal);
            }
        }
    }

    /** Operators act only in an open appeal, as in LiveTex; a test that tries otherwise has a bug. */
    private void requireOpenAppeal(String userId) {
        if (platform.currentDestination(userId).isEmpty()) {
            throw new IllegalStateException("user " + userId + " has no open appeal (no selected destination)");
        }
    }

    /** Runs an operator action and delivers its webhook synchronously, returning its status. */
    private int asOperator(Runnable action) {
        List<Webhook> webhooks;
        synchronized (lock) {
            outbox.clear();
            action.run();
            webhooks = List.copyOf(outbox);
        }
        return deliverAsOperator(webhooks);
    }

    @Override
    ApiError internalError(RuntimeException bug) {
        return ApiError.of(LiveTexPlatform.internalError(bug));
    }
}
