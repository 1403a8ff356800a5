package io.handoff.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.sandbox.platform.Checkpoint;
import io.handoff.gateway.sandbox.platform.LiveChatPlatform;
import io.handoff.gateway.sandbox.platform.Refusal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Stateful in-process fake of the LiveChat APIs the gateway talks to: the accounts token endpoints, the Customer
 * Chat Web API v3.6, the Configuration API's webhook methods and the license webhooks sent back to the gateway.
 * Shapes follow {@code shared/reference/livechat-api.md}; it checks what the real service checks (organization_id,
 * token, Content-Type, body shape, a message's text at most 16,000 bytes of UTF-8, one chat per customer, CDN-only
 * file URLs) so a protocol mistake fails a test.
 *
 * <p>Order of checks on a Customer API call: the region (only when {@link #region} set one), organization_id,
 * customer token, Content-Type, body shape. A call that
 * passes them is recorded (see {@link #count}) and only then may consume a {@link #failNext} fault, so an injected
 * failure never changes state. State checks (chat limit, offline groups, inactive chat) come after that.
 * Configuration API calls (list_webhooks, register_webhook, unregister_webhook) check the agent token (Bearer, as
 * the customer token grant accepts it; no organization_id), Content-Type, then body shape, in the same way.
 *
 * <p>Webhooks: the operator methods ({@link #agentSays} etc.) POST synchronously and return the HTTP status (0 when
 * there is no destination, -1 when it cannot be reached). Customer send_event and deactivate_chat fire
 * {@code incoming_event} / {@code chat_deactivated} asynchronously, after the response, as the real service does;
 * start_chat and resume_chat events do not (LiveChat reports those as {@code incoming_chat}, not modelled here).
 * Destinations: the {@link #webhookTarget}, then each url registered for the action through register_webhook (with
 * that registration's id and secret, honouring only {@code filters.author_type}). A registration with the target's
 * url and secret replaces the target, so a gateway that registers its own url is not called twice. Operator methods
 * return the first destination's status. Registrations take effect at once (the real service: within 2 min).
 *
 * <p>The rules are {@link LiveChatPlatform}'s, shared with the sandbox; this class adds the HTTP server, recording,
 * faults and the test-only settings and inspection.
 *
 * <p>Thread-safe: all state is guarded by one lock, which is never held while sleeping or sending a webhook.
 */
public final class FakeLiveChat extends FakePlatformServer {

    public static final String CLIENT_ID = "fake-client-id";
    public static final String CLIENT_SECRET = "fake-client-secret";
    public static final String REFRESH_TOKEN = "fake-refresh-token";
    /** Always accepted as an agent token, like a long-lived token configured in the gateway. */
    public static final String AGENT_TOKEN = "dal:static-agent-token";
    public static final String ORGANIZATION_ID = "390e44e6-f1e6-4c8e-9a6d-74a14508c2e1";
    public static final String LICENSE_ID = "104130623";
    public static final String ACCOUNT_ID = "5f1c3a2e-8d4b-4c6a-9e7f-0a1b2c3d4e5f";
    /** UNVERIFIED: the real error type for the one-chat-per-customer limit is undocumented. */
    public static final String CHAT_LIMIT_ERROR_TYPE = "validation";
    /** UNVERIFIED: the real error type for resume_chat on an active chat is undocumented (SDK: CHAT_ALREADY_ACTIVE). */
    public static final String CHAT_ACTIVE_ERROR_TYPE = "chat_already_active";
    public static final long DEFAULT_TOKEN_TTL_SECONDS = 28_800;
    public static final int MAX_UPLOAD_BYTES = LiveChatPlatform.MAX_UPLOAD_BYTES;
    public static final int MAX_MESSAGE_TEXT_BYTES = LiveChatPlatform.MAX_MESSAGE_TEXT_BYTES;
    /** Group 0 is LiveChat's default group ("all agents"); start_chat without access targets it. */
    public static final int DEFAULT_GROUP = LiveChatPlatform.DEFAULT_GROUP;
    /** Actions register_webhook accepts (a subset of the real list, which also has routing_status_set etc.). */
    public static final Set<String> WEBHOOK_ACTIONS = LiveChatPlatform.WEBHOOK_ACTIONS;
    public static final int MAX_WEBHOOKS_PER_ACTION = LiveChatPlatform.MAX_WEBHOOKS_PER_ACTION;
    public static final int MAX_WEBHOOK_URL_CHARS = LiveChatPlatform.MAX_WEBHOOK_URL_CHARS;
    /** UNVERIFIED: the real error type for unregister_webhook with an unknown id is undocumented. */
    public static final String WEBHOOK_NOT_FOUND_ERROR_TYPE = "validation";
    /** A call sent to another region than the license's. UNVERIFIED: its HTTP status is undocumented. */
    public static final String MISDIRECTED_ERROR_TYPE = "misdirected_request";
    /** HTTP's own "Misdirected Request", the fake's guess for misdirected_request. */
    public static final int MISDIRECTED_STATUS = 421;

    private static final String API_PREFIX = "/v3.6";
    private static final String ACCOUNTS_PREFIX = "/accounts";
    private static final String CUSTOMER_ACTION = API_PREFIX + "/customer/action/";
    private static final String CONFIGURATION_ACTION = API_PREFIX + "/configuration/action/";
    private static final String CDN_PREFIX = "/cdn/";
    private static final Set<String> CUSTOMER_METHODS = Set.of("list_group_statuses", "update_customer",
            "start_chat", "resume_chat", "send_event", "deactivate_chat", "get_chat", "list_chats", "upload_file");
    private static final Set<String> CONFIGURATION_METHODS =
            Set.of("list_webhooks", "register_webhook", "unregister_webhook");
    private static final Set<String> FAULTABLE_METHODS = Stream.of(CUSTOMER_METHODS, CONFIGURATION_METHODS,
                    Set.of("get_dynamic_configuration", "customer_token", "token"))
            .flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());

    /** LiveChat expects a webhook receiver to answer within about 10 s. */
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    // Id sequences survive reset() so that ids cached by the gateway in an earlier test never alias new ones.
    private final AtomicLong agentTokenSeq = new AtomicLong();
    private final AtomicLong customerTokenSeq = new AtomicLong();
    private final AtomicLong chatSeq = new AtomicLong();
    private final AtomicLong threadSeq = new AtomicLong();

    // Guarded by lock: the model, and the webhooks it produced during the current call.
    private final LiveChatPlatform platform;
    private final List<Webhook> outbox = new ArrayList<>();
    /** The license's data-center region when a test set one: Customer API calls must name it in X-Region. */
    private String region;
    /** The X-Region (null: none) of each Customer API call refused as misdirected. */
    private final List<String> misdirected = new ArrayList<>();

    private FakeLiveChat() throws IOException {
        super("fake-livechat", FAULTABLE_METHODS, WEBHOOK_TIMEOUT);
        LiveChatPlatform.Ids ids = new LiveChatPlatform.Ids(() -> "dal:agent-" + agentTokenSeq.incrementAndGet(),
                () -> "dal:cust-" + customerTokenSeq.incrementAndGet(), () -> "CH" + chatSeq.incrementAndGet(),
                () -> "TH" + threadSeq.incrementAndGet());
        platform = new LiveChatPlatform(new LiveChatPlatform.Options(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN,
                AGENT_TOKEN, ORGANIZATION_ID, LICENSE_ID, ACCOUNT_ID, DEFAULT_TOKEN_TTL_SECONDS, origin(),
                CHAT_LIMIT_ERROR_TYPE, CHAT_ACTIVE_ERROR_TYPE, WEBHOOK_NOT_FOUND_ERROR_TYPE,
                Map.of(DEFAULT_GROUP, "All agents"), false, false, false, ids),
                (url, body) -> outbox.add(Webhook.of(url, body)));
        serve();
    }

    /** Starts a fake on 127.0.0.1 with an ephemeral port. */
    public static FakeLiveChat start() {
        try {
            return new FakeLiveChat();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeLiveChat", e);
        }
    }

    // ---------------------------------------------------------------- URLs and configuration

    public String baseUrl() {
        return origin();
    }

    /**
     * Points a gateway at this fake with a static agent token and a known organization id, its webhooks
     * signed with {@code webhookSecret}: the set-up most tests need.
     */
    public void configure(org.springframework.test.context.DynamicPropertyRegistry registry, String webhookSecret) {
        registry.add("handoff.livechat.api-url", this::apiUrl);
        registry.add("handoff.livechat.accounts-url", this::accountsUrl);
        registry.add("handoff.livechat.client-id", () -> CLIENT_ID);
        registry.add("handoff.livechat.agent-token", () -> AGENT_TOKEN);
        registry.add("handoff.livechat.organization-id", () -> ORGANIZATION_ID);
        registry.add("handoff.livechat.webhook-secret", () -> webhookSecret);
    }

    /** The same settings as command-line arguments, for a gateway started as a process or as another context. */
    public List<String> commandLine() {
        return List.of("--handoff.livechat.api-url=" + apiUrl(), "--handoff.livechat.accounts-url=" + accountsUrl(),
                "--handoff.livechat.client-id=" + CLIENT_ID, "--handoff.livechat.agent-token=" + AGENT_TOKEN);
    }

    /** Customer Chat API root; methods live under {@code /customer/action/<method>}. */
    public String apiUrl() {
        return baseUrl() + API_PREFIX;
    }

    /** Accounts (OAuth) root; the endpoints are {@code /v2/token} and {@code /v2/customer/token}. */
    public String accountsUrl() {
        return baseUrl() + ACCOUNTS_PREFIX;
    }

    /** Sets a group's routing status: "online", "online_for_queue" or "offline". Unknown groups do not exist. */
    public void groupStatus(int groupId, String status) {
        synchronized (lock) {
            platform.groupStatus(groupId, status);
        }
    }

    /** Lifetime of agent tokens issued from now on. */
    public void agentTokenTtlSeconds(long seconds) {
        synchronized (lock) {
            platform.agentTokenTtlSeconds(seconds);
        }
    }

    /** Lifetime of customer tokens issued from now on. */
    public void customerTokenTtlSeconds(long seconds) {
        synchronized (lock) {
            platform.customerTokenTtlSeconds(seconds);
        }
    }

    /** Drops organization_id from the customer token grant response, to test a gateway that must cope without it. */
    public void omitOrganizationIdInGrant(boolean omit) {
        synchronized (lock) {
            platform.omitOrganizationIdInGrant(omit);
        }
    }

    /** Revokes all issued agent tokens ({@link #AGENT_TOKEN} stays valid). */
    public void expireAgentTokens() {
        synchronized (lock) {
            platform.expireAgentTokens();
        }
    }

    /** Revokes all issued customer tokens; the customers and their chats remain. */
    public void expireCustomerTokens() {
        synchronized (lock) {
            platform.expireCustomerTokens();
        }
    }

    /** Where license webhooks go; {@code null} url stops sending them there (registered urls still get theirs). */
    public void webhookTarget(String url, String secretKey) {
        synchronized (lock) {
            platform.webhookTarget(url, secretKey);
        }
    }

    /**
     * Serves the license in {@code region} from now on (null, the default: accepts every call wherever it is
     * sent): a Customer API call without {@code X-Region: <region>}, or with another one, is answered 421
     * {@code misdirected_request} naming the region, as LiveChat answers a call that reached another region's
     * servers. Such a call changes nothing and is not counted (see {@link #misdirected}). Tokens keep their
     * {@code dal:} prefix, so another region models a license whose tokens name the wrong one.
     */
    public void region(String region) {
        synchronized (lock) {
            this.region = region;
        }
    }

    // ---------------------------------------------------------------- fault injection

    /**
     * The next {@code times} calls of {@code method} that pass auth and validation answer {@code httpStatus} with
     * {@code {"error":{"type":errorType,"message":"injected"}}} and change nothing. They still count in
     * {@link #count}, so a test can see the retries. Method names are the Customer API methods, "list_webhooks",
     * "register_webhook", "unregister_webhook", "get_dynamic_configuration", "customer_token" and "token".
     */
    public void failNext(String method, int times, int httpStatus, String errorType) {
        queueFaults(method, times, ApiError.of(LiveChatPlatform.apiError(httpStatus, errorType, "injected")));
    }

    // ---------------------------------------------------------------- operator side

    /** An agent joins the chat's active thread; sends {@code user_added_to_chat}. Returns the webhook's HTTP status. */
    public int agentJoins(String chatId, String agentId, String agentName) {
        return asOperator(() -> platform.agentJoins(chatId, agentId, agentName));
    }

    /** An agent's message on the active thread; sends {@code incoming_event}. Returns the webhook's HTTP status. */
    public int agentSays(String chatId, String agentId, String text) {
        return asOperator(() -> platform.agentSays(chatId, agentId, null, text));
    }

    /** An agent's file on the active thread; sends {@code incoming_event}. Returns the webhook's HTTP status. */
    public int agentSendsFile(String chatId, String agentId, String url, String name, long size) {
        return asOperator(() -> platform.agentSendsFile(chatId, agentId, null, url, name, size));
    }

    /** An agent closes the chat (deactivates the thread); sends {@code chat_deactivated}. Returns the HTTP status. */
    public int agentCloses(String chatId, String agentId) {
        return asOperator(() -> platform.agentCloses(chatId, agentId, null));
    }

    // ---------------------------------------------------------------- inspection

    /** The X-Region of each Customer API call refused as misdirected, oldest first; null where the call sent none. */
    public List<String> misdirected() {
        synchronized (lock) {
            return new ArrayList<>(misdirected);
        }
    }

    /**
     * Webhooks registered now, in registration order, as list_webhooks returns them:
     * {id, action, url, secret_key, type, owner_client_id, filters?, additional_data?, description?}.
     */
    public List<JsonNode> registeredWebhooks() {
        synchronized (lock) {
            return platform.registeredWebhooks();
        }
    }

    public int customers() {
        synchronized (lock) {
            return platform.customerCount();
        }
    }

    /** A customer as stored by the grant and update_customer: {id, type, name?, email?, avatar?, session_fields?}. */
    public Optional<JsonNode> customer(String entityId) {
        synchronized (lock) {
            return platform.customer(entityId);
        }
    }

    /** The chat as get_chat shows it (latest thread), plus {@code threads}: every thread with its events. */
    public Optional<JsonNode> chat(String chatId) {
        synchronized (lock) {
            return platform.chatWithThreads(chatId);
        }
    }

    /** The chat started last, if any. */
    public Optional<String> newestChat() {
        synchronized (lock) {
            List<String> ids = platform.chatIds();
            return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(ids.size() - 1));
        }
    }

    /**
     * Registers a webhook through the Configuration API, as an app or an earlier gateway would; returns its id.
     * The call counts in {@link #count}.
     */
    public String registerWebhook(Map<String, Object> body) {
        try {
            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(apiUrl() + "/configuration/action/register_webhook"))
                            .header("Authorization", "Bearer " + AGENT_TOKEN).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("register_webhook answered " + answer.statusCode() + ": " + answer.body());
            }
            return JSON.readTree(answer.body()).path("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String entityIdOfChat(String chatId) {
        synchronized (lock) {
            return platform.entityIdOfChat(chatId).orElseThrow(() -> noChat(chatId));
        }
    }

    /** All events of all threads of the chat, oldest first. */
    public List<JsonNode> eventsOf(String chatId) {
        synchronized (lock) {
            return platform.eventsOf(chatId).orElseThrow(() -> noChat(chatId));
        }
    }

    /** Whether the chat's last thread is active. */
    public boolean isActive(String chatId) {
        synchronized (lock) {
            return platform.isActive(chatId).orElseThrow(() -> noChat(chatId));
        }
    }

    /**
     * Forgets customers, tokens, chats, files, registered webhooks, recorded calls, faults, delays and webhook
     * history; groups go back to group 0 offline and settings to their defaults. Keeps the webhook target, which
     * usually points at the application context shared by several tests.
     */
    public void reset() {
        synchronized (lock) {
            resetServer();
            platform.reset();
            region = null;
            misdirected.clear();
        }
    }

    // ---------------------------------------------------------------- routing

    @Override
    String operationOf(Request request) {
        String path = request.path();
        if (path.equals(ACCOUNTS_PREFIX + "/v2/token")) {
            return "token";
        }
        if (path.equals(ACCOUNTS_PREFIX + "/v2/customer/token")) {
            return "customer_token";
        }
        if (path.startsWith(CUSTOMER_ACTION)) {
            String method = path.substring(CUSTOMER_ACTION.length());
            return CUSTOMER_METHODS.contains(method) || method.equals("get_dynamic_configuration") ? method : null;
        }
        if (path.startsWith(CONFIGURATION_ACTION)) {
            String method = path.substring(CONFIGURATION_ACTION.length());
            return CONFIGURATION_METHODS.contains(method) ? method : null;
        }
        return path.startsWith(CDN_PREFIX) ? "cdn" : null;
    }

    @Override
    Reply dispatch(String operation, Request request) {
        if (operation == null) {
            throw new ApiError(404, errorBody("not_found"));
        }
        String verb = operation.equals("cdn") || operation.equals("get_dynamic_configuration") ? "GET" : "POST";
        if (!verb.equals(request.verb())) {
            throw ApiError.of(LiveChatPlatform.apiError(405, "validation", operation + " must be called with " + verb));
        }
        if (operation.equals("cdn")) {
            return cdnFile(request);
        }
        String contentType = request.headers().get("content-type");
        String authorization = request.headers().get("authorization");
        String organizationId = request.query().get("organization_id");
        Checkpoint checkpoint = checked -> accept(operation, request, checked);
        synchronized (lock) {
            if (CUSTOMER_METHODS.contains(operation)) {
                refuseOtherRegions(request.headers().get("x-region"));
            }
            outbox.clear();
            JsonNode response;
            try {
                response = switch (operation) {
                    case "token" -> platform.refreshGrant(contentType,
                            parseForm(new String(request.body(), StandardCharsets.UTF_8)), checkpoint);
                    case "customer_token" -> platform.customerGrant(authorization, request.body(), checkpoint);
                    case "get_dynamic_configuration" -> platform.dynamicConfiguration(request.query(), checkpoint);
                    case "list_webhooks", "register_webhook", "unregister_webhook" ->
                            platform.configurationAction(operation, authorization, contentType, request.body(), checkpoint);
                    case "upload_file" -> platform.uploadFile(organizationId, authorization,
                            "multipart/form-data".equals(mediaType(request)), () -> filePart(request), checkpoint);
                    default -> platform.customerAction(operation, organizationId, authorization, contentType,
                            request.body(), checkpoint);
                };
            } catch (Refusal refusal) {
                throw ApiError.of(refusal);
            }
            // Customer calls' webhooks go out after the response, as the real service sends them.
            return Reply.json(200, response, asyncDelivery(List.copyOf(outbox)));
        }
    }

    /** LiveChat's answer to a call sent to another region than the license's (reference §1). Call with the lock held. */
    private void refuseOtherRegions(String sentRegion) {
        if (region != null && !region.equals(sentRegion)) {
            misdirected.add(sentRegion);
            ObjectNode body = errorBody(MISDIRECTED_ERROR_TYPE);
            ((ObjectNode) body.get("error")).put("message", "Wrong region").putObject("data").put("region", region);
            throw new ApiError(MISDIRECTED_STATUS, body);
        }
    }

    private Reply cdnFile(Request request) {
        Optional<LiveChatPlatform.UploadedFile> file;
        synchronized (lock) {
            file = platform.cdnFile(request.path());
        }
        return file.map(found -> new Reply(200, found.contentType(), found.bytes(), List.of()))
                .orElseThrow(() -> new ApiError(404, errorBody("not_found")));
    }

    /** The multipart part {@code file}, or null when there is none. */
    private static LiveChatPlatform.UploadedFile filePart(Request request) {
        List<FakeLiveChatMultipart.Part> parts;
        try {
            parts = FakeLiveChatMultipart.parse(request.headers().get("content-type"), request.body());
        } catch (IllegalArgumentException e) {
            throw LiveChatPlatform.validation(e.getMessage());
        }
        return parts.stream().filter(part -> part.name().equals("file")).findFirst()
                .map(part -> new LiveChatPlatform.UploadedFile(part.filename(), part.contentType(), part.content()))
                .orElse(null);
    }

    // ---------------------------------------------------------------- webhooks

    /** Runs an operator action and delivers its webhooks synchronously, returning the first one's status. */
    private int asOperator(Runnable action) {
        List<Webhook> webhooks;
        synchronized (lock) {
            outbox.clear();
            action.run();
            webhooks = List.copyOf(outbox);
        }
        return deliverAsOperator(webhooks);
    }

    private List<Runnable> asyncDelivery(List<Webhook> webhooks) {
        return webhooks.stream().<Runnable>map(webhook -> () -> deliver(webhook)).toList();
    }

    // ---------------------------------------------------------------- small helpers

    private static IllegalArgumentException noChat(String chatId) {
        return new IllegalArgumentException("no chat " + chatId);
    }

    /** LiveChat's error body without a message, for paths it does not know. */
    private static ObjectNode errorBody(String type) {
        ObjectNode body = object();
        body.putObject("error").put("type", type);
        return body;
    }

    @Override
    ApiError internalError(RuntimeException bug) {
        return ApiError.of(LiveChatPlatform.apiError(500, "internal", "fake failure: " + bug));
    }
}
