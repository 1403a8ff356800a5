package io.handoff.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Stateful in-process fake of the LiveChat APIs the gateway talks to: the accounts token endpoints, the Customer
 * Chat Web API v3.6, the Configuration API's webhook methods and the license webhooks sent back to the gateway.
 * Shapes follow {@code shared/reference/livechat-api.md}; it checks what the real service checks (organization_id,
 * token, Content-Type, body shape, one chat per customer, CDN-only file URLs) so a protocol mistake fails a test.
 *
 * <p>Order of checks on a Customer API call: organization_id, customer token, Content-Type, body shape. A call that
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
    public static final int MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
    public static final int MAX_MESSAGE_CHARS = 16_384;
    /** Group 0 is LiveChat's default group ("all agents"); start_chat without access targets it. */
    public static final int DEFAULT_GROUP = 0;
    /** Actions register_webhook accepts (a subset of the real list, which also has routing_status_set etc.). */
    public static final Set<String> WEBHOOK_ACTIONS = Set.of("incoming_event", "chat_deactivated", "incoming_chat",
            "user_added_to_chat", "user_removed_from_chat", "chat_transferred", "event_updated", "event_deleted");
    public static final int MAX_WEBHOOKS_PER_ACTION = 3;
    public static final int MAX_WEBHOOK_URL_CHARS = 500;
    /** UNVERIFIED: the real error type for unregister_webhook with an unknown id is undocumented. */
    public static final String WEBHOOK_NOT_FOUND_ERROR_TYPE = "validation";

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
    private static final Set<String> GROUP_STATUSES = Set.of("online", "online_for_queue", "offline");
    private static final Set<String> ACCEPTING_STATUSES = Set.of("online", "online_for_queue");
    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** LiveChat expects a webhook receiver to answer within about 10 s. */
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    // Id sequences survive reset() so that ids cached by the gateway in an earlier test never alias new ones.
    private final AtomicLong agentTokenSeq = new AtomicLong();
    private final AtomicLong customerTokenSeq = new AtomicLong();
    private final AtomicLong chatSeq = new AtomicLong();
    private final AtomicLong threadSeq = new AtomicLong();
    // Like a registered webhook's id: stable per action.
    private final Map<String, String> webhookIds = new ConcurrentHashMap<>();

    // Everything below is guarded by lock.
    private long agentTokenTtlSeconds;
    private long customerTokenTtlSeconds;
    private boolean omitOrganizationIdInGrant;
    private final Map<String, Instant> agentTokens = new HashMap<>();
    private final Map<String, IssuedToken> customerTokens = new HashMap<>();
    private final Map<String, Customer> customers = new LinkedHashMap<>();
    private final Map<String, Chat> chats = new LinkedHashMap<>();
    private final Map<String, UploadedFile> filesByUrl = new HashMap<>();
    private final Map<String, UploadedFile> filesByPath = new HashMap<>();
    private final Map<Integer, String> groupStatuses = new TreeMap<>();
    private final Map<String, ObjectNode> registeredWebhooks = new LinkedHashMap<>();
    private String webhookUrl;
    private String webhookSecret;

    private FakeLiveChat() throws IOException {
        super("fake-livechat", FAULTABLE_METHODS, WEBHOOK_TIMEOUT);
        resetState();
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
        if (!GROUP_STATUSES.contains(status)) {
            throw new IllegalArgumentException("group status must be one of " + GROUP_STATUSES + ": " + status);
        }
        synchronized (lock) {
            groupStatuses.put(groupId, status);
        }
    }

    /** Lifetime of agent tokens issued from now on. */
    public void agentTokenTtlSeconds(long seconds) {
        synchronized (lock) {
            agentTokenTtlSeconds = seconds;
        }
    }

    /** Lifetime of customer tokens issued from now on. */
    public void customerTokenTtlSeconds(long seconds) {
        synchronized (lock) {
            customerTokenTtlSeconds = seconds;
        }
    }

    /** Drops organization_id from the customer token grant response, to test a gateway that must cope without it. */
    public void omitOrganizationIdInGrant(boolean omit) {
        synchronized (lock) {
            omitOrganizationIdInGrant = omit;
        }
    }

    /** Revokes all issued agent tokens ({@link #AGENT_TOKEN} stays valid). */
    public void expireAgentTokens() {
        synchronized (lock) {
            agentTokens.clear();
        }
    }

    /** Revokes all issued customer tokens; the customers and their chats remain. */
    public void expireCustomerTokens() {
        synchronized (lock) {
            customerTokens.clear();
        }
    }

    /** Where license webhooks go; {@code null} url stops sending them there (registered urls still get theirs). */
    public void webhookTarget(String url, String secretKey) {
        synchronized (lock) {
            webhookUrl = url;
            webhookSecret = secretKey;
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
        queueFaults(method, times, apiError(httpStatus, errorType, "injected"));
    }

    // ---------------------------------------------------------------- operator side

    /** An agent joins the chat's active thread; sends {@code user_added_to_chat}. Returns the webhook's HTTP status. */
    public int agentJoins(String chatId, String agentId, String agentName) {
        List<Webhook> webhooks;
        synchronized (lock) {
            Chat chat = existingChat(chatId);
            ChatThread thread = chat.activeThread();
            chat.agents.put(agentId, agentName);
            ObjectNode payload = payload(chat, thread);
            payload.set("user", object().put("id", agentId).put("name", agentName).put("type", "agent"));
            payload.put("reason", "manual").put("requester_id", agentId);
            webhooks = webhooks("user_added_to_chat", payload);
        }
        return deliverAsOperator(webhooks);
    }

    /** An agent's message on the active thread; sends {@code incoming_event}. Returns the webhook's HTTP status. */
    public int agentSays(String chatId, String agentId, String text) {
        return agentEvent(chatId, agentId, object().put("type", "message").put("text", text));
    }

    /** An agent's file on the active thread; sends {@code incoming_event}. Returns the webhook's HTTP status. */
    public int agentSendsFile(String chatId, String agentId, String url, String name, long size) {
        return agentEvent(chatId, agentId,
                object().put("type", "file").put("url", url).put("name", name).put("size", size));
    }

    /** An agent closes the chat (deactivates the thread); sends {@code chat_deactivated}. Returns the HTTP status. */
    public int agentCloses(String chatId, String agentId) {
        List<Webhook> webhooks;
        synchronized (lock) {
            Chat chat = existingChat(chatId);
            ChatThread thread = chat.activeThread();
            thread.active = false;
            webhooks = webhooks("chat_deactivated", payload(chat, thread).put("user_id", agentId));
        }
        return deliverAsOperator(webhooks);
    }

    // ---------------------------------------------------------------- inspection

    /**
     * Webhooks registered now, in registration order, as list_webhooks returns them:
     * {id, action, url, secret_key, type, owner_client_id, filters?, additional_data?, description?}.
     */
    public List<JsonNode> registeredWebhooks() {
        synchronized (lock) {
            return deepCopies(List.copyOf(registeredWebhooks.values()));
        }
    }

    public int customers() {
        synchronized (lock) {
            return customers.size();
        }
    }

    /** A customer as stored by the grant and update_customer: {id, type, name?, email?, avatar?, session_fields?}. */
    public Optional<JsonNode> customer(String entityId) {
        synchronized (lock) {
            return Optional.ofNullable(customers.get(entityId)).map(Customer::view);
        }
    }

    /** The chat as get_chat shows it (latest thread), plus {@code threads}: every thread with its events. */
    public Optional<JsonNode> chat(String chatId) {
        synchronized (lock) {
            Chat chat = chats.get(chatId);
            if (chat == null) {
                return Optional.empty();
            }
            ObjectNode view = chatView(chat, chat.lastThread());
            ArrayNode threads = view.putArray("threads");
            chat.threads.forEach(thread -> threads.add(thread.view()));
            return Optional.of(view);
        }
    }

    public String entityIdOfChat(String chatId) {
        synchronized (lock) {
            return existingChat(chatId).entityId;
        }
    }

    /** All events of all threads of the chat, oldest first. */
    public List<JsonNode> eventsOf(String chatId) {
        synchronized (lock) {
            List<JsonNode> events = new ArrayList<>();
            existingChat(chatId).threads.forEach(thread -> events.addAll(deepCopies(thread.events)));
            return events;
        }
    }

    /** Whether the chat's last thread is active. */
    public boolean isActive(String chatId) {
        synchronized (lock) {
            return existingChat(chatId).lastThread().active;
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
            resetState();
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
            throw new ApiError(404, errorBody("not_found", null));
        }
        String verb = operation.equals("cdn") || operation.equals("get_dynamic_configuration") ? "GET" : "POST";
        if (!verb.equals(request.verb())) {
            throw apiError(405, "validation", operation + " must be called with " + verb);
        }
        return switch (operation) {
            case "token" -> agentTokenGrant(request);
            case "customer_token" -> customerTokenGrant(request);
            case "get_dynamic_configuration" -> dynamicConfiguration(request);
            case "cdn" -> cdnFile(request);
            case "list_webhooks", "register_webhook", "unregister_webhook" -> configurationCall(operation, request);
            default -> customerCall(operation, request);
        };
    }

    // ---------------------------------------------------------------- accounts

    private Reply agentTokenGrant(Request request) {
        if (!"application/x-www-form-urlencoded".equals(mediaType(request))) {
            throw tokenError("invalid_request", "body must be application/x-www-form-urlencoded");
        }
        Map<String, String> form = parseForm(new String(request.body(), StandardCharsets.UTF_8));
        if (!"refresh_token".equals(form.get("grant_type"))) {
            throw tokenError("unsupported_grant_type", "grant_type must be refresh_token");
        }
        if (!REFRESH_TOKEN.equals(form.get("refresh_token"))
                || !CLIENT_ID.equals(form.get("client_id"))
                || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            throw tokenError("invalid_grant", "invalid refresh_token, client_id or client_secret");
        }
        synchronized (lock) {
            ObjectNode recorded = object();
            form.forEach(recorded::put);
            accept("token", request, recorded);
            String token = "dal:agent-" + agentTokenSeq.incrementAndGet();
            agentTokens.put(token, Instant.now().plusSeconds(agentTokenTtlSeconds));
            return Reply.json(200, object()
                    .put("access_token", token)
                    .put("account_id", ACCOUNT_ID)
                    .put("expires_in", agentTokenTtlSeconds)
                    .put("organization_id", ORGANIZATION_ID)
                    .put("scope", "customers:own")
                    .put("refresh_token", REFRESH_TOKEN) // server-side refresh tokens do not rotate
                    .put("token_type", "Bearer"));
        }
    }

    private Reply customerTokenGrant(Request request) {
        synchronized (lock) {
            String agentToken = bearerToken(request);
            if (agentToken == null || !isLiveAgentToken(agentToken)) {
                throw oauthError("invalid_request", "invalid agent token");
            }
            JsonNode body;
            try {
                body = JSON.readTree(request.body());
            } catch (IOException e) {
                throw oauthError("invalid_request", "body must be JSON");
            }
            if (body == null || !body.isObject()) {
                throw oauthError("invalid_request", "body must be a JSON object");
            }
            if (!"agent_token".equals(body.path("grant_type").asText(null))) {
                throw oauthError("invalid_request", "grant_type must be agent_token");
            }
            if (!CLIENT_ID.equals(body.path("client_id").asText(null))) {
                throw oauthError("unauthorized_client", "invalid client_id");
            }
            if (!"token".equals(body.path("response_type").asText(null))) {
                throw oauthError("invalid_request", "response_type must be token");
            }
            JsonNode entityId = body.get("entity_id");
            if (entityId != null && !(entityId.isTextual() && customers.containsKey(entityId.asText()))) {
                throw oauthError("invalid_grant", "unknown entity_id");
            }
            accept("customer_token", request, body);
            Customer customer = entityId != null ? customers.get(entityId.asText()) : newCustomer();
            String token = "dal:cust-" + customerTokenSeq.incrementAndGet();
            customerTokens.put(token, new IssuedToken(customer.entityId,
                    Instant.now().plusSeconds(customerTokenTtlSeconds)));
            ObjectNode response = object()
                    .put("access_token", token)
                    .put("client_id", CLIENT_ID)
                    .put("entity_id", customer.entityId)
                    .put("expires_in", customerTokenTtlSeconds)
                    .put("token_type", "Bearer");
            if (!omitOrganizationIdInGrant) {
                response.put("organization_id", ORGANIZATION_ID);
            }
            return Reply.json(200, response);
        }
    }

    private Customer newCustomer() {
        Customer customer = new Customer(UUID.randomUUID().toString());
        customers.put(customer.entityId, customer);
        return customer;
    }

    private boolean isLiveAgentToken(String token) {
        Instant expiresAt = agentTokens.get(token);
        return token.equals(AGENT_TOKEN) || (expiresAt != null && Instant.now().isBefore(expiresAt));
    }

    // ---------------------------------------------------------------- unauthenticated GETs

    private Reply dynamicConfiguration(Request request) {
        Map<String, String> query = request.query();
        // The docs say this method accepts license_id or organization_id.
        boolean known = query.containsKey("license_id")
                ? LICENSE_ID.equals(query.get("license_id"))
                : ORGANIZATION_ID.equals(query.get("organization_id"));
        if (!known) {
            throw apiError(404, "license_not_found", "License not found");
        }
        int groupId = DEFAULT_GROUP;
        if (query.containsKey("group_id")) {
            try {
                groupId = Integer.parseInt(query.get("group_id"));
            } catch (NumberFormatException e) {
                throw validation("group_id must be an integer");
            }
        }
        synchronized (lock) {
            ObjectNode recorded = object();
            query.forEach(recorded::put);
            accept("get_dynamic_configuration", request, recorded);
            ObjectNode response = object().put("organization_id", ORGANIZATION_ID).put("group_id", groupId)
                    .put("client_limit_exceeded", false);
            ObjectNode livechat = response.putObject("livechat");
            List<Integer> online = groupStatuses.entrySet().stream()
                    .filter(entry -> entry.getValue().equals("online")).map(Map.Entry::getKey).toList();
            if (!online.isEmpty()) { // the docs say the field is omitted when no group is online
                online.forEach(livechat.putArray("online_group_ids")::add);
            }
            return Reply.json(200, response);
        }
    }

    private Reply cdnFile(Request request) {
        UploadedFile file;
        synchronized (lock) {
            file = filesByPath.get(request.path());
        }
        if (file == null) {
            throw new ApiError(404, errorBody("not_found", null));
        }
        return new Reply(200, file.contentType(), file.bytes(), List.of());
    }

    // ---------------------------------------------------------------- Customer Chat API

    private Reply customerCall(String method, Request request) {
        String organizationId = request.query().get("organization_id");
        if (organizationId == null) {
            throw validation("organization_id query parameter is required");
        }
        if (!organizationId.equals(ORGANIZATION_ID)) {
            throw validation("invalid organization_id");
        }
        synchronized (lock) {
            Customer customer = authenticatedCustomer(request);
            if (method.equals("upload_file")) {
                return uploadFile(request);
            }
            if (!"application/json".equals(mediaType(request))) {
                throw validation("Content-Type must be application/json");
            }
            JsonNode body = jsonObjectBody(request);
            return switch (method) {
                case "list_group_statuses" -> listGroupStatuses(request, body);
                case "update_customer" -> updateCustomer(customer, request, body);
                case "start_chat" -> startChat(customer, request, body);
                case "resume_chat" -> resumeChat(customer, request, body);
                case "send_event" -> sendEvent(customer, request, body);
                case "deactivate_chat" -> deactivateChat(customer, request, body);
                case "get_chat" -> getChat(customer, request, body);
                case "list_chats" -> listChats(customer, request, body);
                default -> throw new IllegalStateException("unrouted method " + method);
            };
        }
    }

    private Customer authenticatedCustomer(Request request) {
        String token = bearerToken(request);
        IssuedToken issued = token == null ? null : customerTokens.get(token);
        if (issued == null || !Instant.now().isBefore(issued.expiresAt())) {
            throw apiError(401, "authentication", "Invalid access token");
        }
        return customers.get(issued.entityId());
    }

    private Reply listGroupStatuses(Request request, JsonNode body) {
        boolean all = optionalBoolean(body, "all", false);
        List<Integer> groupIds = body.has("group_ids") ? groupIds(body) : null;
        if (all == (groupIds != null)) {
            throw validation("exactly one of all:true or group_ids is required");
        }
        accept("list_group_statuses", request, body);
        ObjectNode statuses = object();
        groupStatuses.forEach((id, status) -> {
            if (all || groupIds.contains(id)) {
                statuses.put(String.valueOf(id), status);
            }
        });
        ObjectNode response = object();
        response.set("groups_status", statuses);
        return Reply.json(200, response);
    }

    private Reply updateCustomer(Customer customer, Request request, JsonNode body) {
        String name = optionalText(body, "name");
        String email = optionalText(body, "email");
        String avatar = optionalText(body, "avatar");
        JsonNode sessionFields = body.get("session_fields");
        if (sessionFields != null) {
            requireSessionFields(sessionFields);
        }
        if (name == null && email == null && avatar == null && sessionFields == null) {
            throw validation("at least one of name, email, avatar, session_fields is required");
        }
        accept("update_customer", request, body);
        if (name != null) {
            customer.name = name;
        }
        if (email != null) {
            customer.email = email;
        }
        if (avatar != null) {
            customer.avatar = avatar;
        }
        if (sessionFields != null) {
            customer.sessionFields = sessionFields.deepCopy();
        }
        return Reply.json(200, object());
    }

    private static void requireSessionFields(JsonNode sessionFields) {
        if (!sessionFields.isArray()) {
            throw validation("session_fields must be an array");
        }
        for (JsonNode field : sessionFields) {
            if (!field.isObject() || field.size() != 1 || !field.elements().next().isTextual()) {
                throw validation("each session_fields item must be an object with one string value");
            }
        }
    }

    private Reply startChat(Customer customer, Request request, JsonNode body) {
        JsonNode chatSpec = optionalObject(body, "chat");
        JsonNode access = chatSpec == null ? null : optionalObject(chatSpec, "access");
        List<Integer> groupIds = access == null || !access.has("group_ids") ? List.of(DEFAULT_GROUP) : groupIds(access);
        List<ObjectNode> events = threadEvents(chatSpec);
        boolean active = optionalBoolean(body, "active", true);
        boolean continuous = optionalBoolean(body, "continuous", false);
        accept("start_chat", request, body);

        if (customer.chatId != null) {
            throw apiError(400, CHAT_LIMIT_ERROR_TYPE, "Chat limit reached");
        }
        requireReachable(groupIds, continuous);
        Chat chat = new Chat("CH" + chatSeq.incrementAndGet(), customer.entityId, groupIds);
        chats.put(chat.id, chat);
        customer.chatId = chat.id;
        ChatThread thread = chat.openThread("TH" + threadSeq.incrementAndGet(), active);
        ObjectNode response = object().put("chat_id", chat.id).put("thread_id", thread.id);
        addEvents(response, thread, customer.entityId, events);
        return Reply.json(200, response);
    }

    private Reply resumeChat(Customer customer, Request request, JsonNode body) {
        JsonNode chatSpec = optionalObject(body, "chat");
        if (chatSpec == null) {
            throw validation("chat is required");
        }
        String chatId = requiredText(chatSpec, "id");
        JsonNode access = optionalObject(chatSpec, "access");
        List<Integer> groupIds = access == null || !access.has("group_ids") ? null : groupIds(access);
        List<ObjectNode> events = threadEvents(chatSpec);
        boolean active = optionalBoolean(body, "active", true);
        boolean continuous = optionalBoolean(body, "continuous", false);
        accept("resume_chat", request, body);

        Chat chat = ownedChat(customer, chatId);
        if (chat.lastThread().active) {
            throw apiError(400, CHAT_ACTIVE_ERROR_TYPE, "Chat is already active");
        }
        List<Integer> targetGroups = groupIds != null ? groupIds : chat.groupIds;
        requireReachable(targetGroups, continuous);
        chat.groupIds = targetGroups;
        ChatThread thread = chat.openThread("TH" + threadSeq.incrementAndGet(), active);
        ObjectNode response = object().put("thread_id", thread.id);
        addEvents(response, thread, customer.entityId, events);
        return Reply.json(200, response);
    }

    private Reply sendEvent(Customer customer, Request request, JsonNode body) {
        String chatId = requiredText(body, "chat_id");
        JsonNode eventSpec = optionalObject(body, "event");
        if (eventSpec == null) {
            throw validation("event is required");
        }
        ObjectNode event = validatedEvent(eventSpec);
        boolean attachToLastThread = optionalBoolean(body, "attach_to_last_thread", false);
        accept("send_event", request, body);

        Chat chat = ownedChat(customer, chatId);
        ChatThread thread = chat.lastThread();
        if (!thread.active && !attachToLastThread) {
            throw apiError(400, "chat_inactive", "Chat is inactive");
        }
        ObjectNode stored = thread.append(customer.entityId, event);
        List<Webhook> webhooks = webhooks("incoming_event", payload(chat, thread).set("event", stored.deepCopy()));
        return Reply.json(200, object().put("event_id", stored.get("id").asText()), asyncDelivery(webhooks));
    }

    private Reply deactivateChat(Customer customer, Request request, JsonNode body) {
        String chatId = requiredText(body, "id");
        accept("deactivate_chat", request, body);
        Chat chat = ownedChat(customer, chatId);
        ChatThread thread = chat.lastThread();
        if (!thread.active) {
            throw apiError(400, "chat_inactive", "Chat is inactive");
        }
        thread.active = false;
        // The real service also reports a customer's own close, so the gateway must tolerate it.
        List<Webhook> webhooks = webhooks("chat_deactivated", payload(chat, thread).put("user_id", customer.entityId));
        return Reply.json(200, object(), asyncDelivery(webhooks));
    }

    private Reply getChat(Customer customer, Request request, JsonNode body) {
        String chatId = requiredText(body, "chat_id");
        String threadId = optionalText(body, "thread_id");
        accept("get_chat", request, body);
        Chat chat = ownedChat(customer, chatId);
        ChatThread thread = threadId == null ? chat.lastThread() : chat.threads.stream()
                .filter(candidate -> candidate.id.equals(threadId)).findFirst()
                .orElseThrow(() -> validation("Thread not found"));
        return Reply.json(200, chatView(chat, thread));
    }

    private Reply listChats(Customer customer, Request request, JsonNode body) {
        JsonNode limit = body.get("limit");
        if (limit != null && !(limit.isInt() && limit.asInt() >= 1 && limit.asInt() <= 25)) {
            throw validation("limit must be an integer from 1 to 25");
        }
        accept("list_chats", request, body);
        ArrayNode summaries = JSON.createArrayNode();
        chats.values().stream().filter(chat -> chat.entityId.equals(customer.entityId)).forEach(chat -> {
            ObjectNode summary = summaries.addObject().put("id", chat.id);
            summary.putObject("last_thread_summary")
                    .put("id", chat.lastThread().id)
                    .put("active", chat.lastThread().active)
                    .put("created_at", chat.lastThread().createdAt);
            summary.set("access", chat.accessView());
        });
        ObjectNode response = object();
        response.set("chats_summary", summaries);
        response.put("total_chats", summaries.size());
        return Reply.json(200, response);
    }

    private Reply uploadFile(Request request) {
        if (!"multipart/form-data".equals(mediaType(request))) {
            throw validation("Content-Type must be multipart/form-data");
        }
        List<FakeLiveChatMultipart.Part> parts;
        try {
            parts = FakeLiveChatMultipart.parse(request.headers().get("content-type"), request.body());
        } catch (IllegalArgumentException e) {
            throw validation(e.getMessage());
        }
        FakeLiveChatMultipart.Part part = parts.stream().filter(candidate -> candidate.name().equals("file"))
                .findFirst().orElseThrow(() -> validation("multipart part 'file' is required"));
        if (part.filename() == null || part.filename().isBlank()) {
            throw validation("the file part needs a filename");
        }
        if (part.content().length > MAX_UPLOAD_BYTES) {
            throw apiError(413, "entity_too_large", "Upload limit exceeded (10MB)");
        }
        ObjectNode recorded = object();
        recorded.putObject("file").put("filename", part.filename()).put("content_type", part.contentType())
                .put("size", part.content().length);
        accept("upload_file", request, recorded);

        String path = CDN_PREFIX + UUID.randomUUID() + "/"
                + URLEncoder.encode(part.filename(), StandardCharsets.UTF_8).replace("+", "%20");
        String url = baseUrl() + path;
        String contentType = part.contentType() != null ? part.contentType() : "application/octet-stream";
        UploadedFile file = new UploadedFile(part.filename(), contentType, part.content());
        filesByUrl.put(url, file);
        filesByPath.put(path, file);
        return Reply.json(200, object().put("url", url));
    }

    // ---------------------------------------------------------------- Configuration API (webhooks)

    private Reply configurationCall(String method, Request request) {
        synchronized (lock) {
            String token = bearerToken(request);
            if (token == null || !isLiveAgentToken(token)) {
                throw apiError(401, "authentication", "Invalid access token");
            }
            if (!"application/json".equals(mediaType(request))) {
                throw validation("Content-Type must be application/json");
            }
            JsonNode body = jsonObjectBody(request);
            if (!CLIENT_ID.equals(requiredText(body, "owner_client_id"))) {
                throw validation("owner_client_id must be the Client ID of an app of this organization");
            }
            return switch (method) {
                case "list_webhooks" -> listWebhooks(request, body);
                case "register_webhook" -> registerWebhook(request, body);
                case "unregister_webhook" -> unregisterWebhook(request, body);
                default -> throw new IllegalStateException("unrouted method " + method);
            };
        }
    }

    private Reply listWebhooks(Request request, JsonNode body) {
        accept("list_webhooks", request, body);
        ArrayNode list = JSON.createArrayNode();
        registeredWebhooks.values().forEach(webhook -> list.add(webhook.deepCopy()));
        return Reply.json(200, list);
    }

    private Reply registerWebhook(Request request, JsonNode body) {
        String action = requiredText(body, "action");
        if (!WEBHOOK_ACTIONS.contains(action)) {
            throw validation("action must be one of " + WEBHOOK_ACTIONS);
        }
        String secretKey = requiredText(body, "secret_key");
        String url = requiredText(body, "url");
        if (url.length() > MAX_WEBHOOK_URL_CHARS || !isHttpUrl(url)) {
            throw validation("url must be an http or https url of at most " + MAX_WEBHOOK_URL_CHARS + " characters");
        }
        String type = requiredText(body, "type");
        if (!type.equals("license") && !type.equals("bot")) {
            throw validation("type must be license or bot");
        }
        JsonNode filters = optionalObject(body, "filters");
        String authorType = filters == null ? null : optionalText(filters, "author_type");
        if (authorType != null && !authorType.equals("customer") && !authorType.equals("agent")) {
            throw validation("filters.author_type must be customer or agent");
        }
        JsonNode additionalData = body.get("additional_data");
        if (additionalData != null && !isStringArray(additionalData)) {
            throw validation("additional_data must be an array of strings");
        }
        String description = optionalText(body, "description");
        accept("register_webhook", request, body);

        long sameAction = registeredWebhooks.values().stream()
                .filter(webhook -> webhook.get("action").asText().equals(action)).count();
        if (sameAction >= MAX_WEBHOOKS_PER_ACTION) {
            throw apiError(400, "limit_reached", "Webhooks limit reached for action " + action);
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        ObjectNode webhook = object().put("id", id).put("action", action).put("url", url)
                .put("secret_key", secretKey).put("type", type).put("owner_client_id", CLIENT_ID);
        if (filters != null) {
            webhook.set("filters", filters.deepCopy());
        }
        if (additionalData != null) {
            webhook.set("additional_data", additionalData.deepCopy());
        }
        if (description != null) {
            webhook.put("description", description);
        }
        registeredWebhooks.put(id, webhook);
        return Reply.json(200, object().put("id", id));
    }

    private Reply unregisterWebhook(Request request, JsonNode body) {
        String id = requiredText(body, "id");
        accept("unregister_webhook", request, body);
        if (registeredWebhooks.remove(id) == null) {
            throw apiError(400, WEBHOOK_NOT_FOUND_ERROR_TYPE, "Webhook not found");
        }
        return Reply.json(200, object());
    }

    private static boolean isStringArray(JsonNode node) {
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- validation helpers

    private static JsonNode jsonObjectBody(Request request) {
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            throw validation("request body is not valid JSON");
        }
        if (body == null || !body.isObject()) {
            throw validation("request body must be a JSON object");
        }
        return body;
    }

    private List<ObjectNode> threadEvents(JsonNode chatSpec) {
        JsonNode thread = chatSpec == null ? null : optionalObject(chatSpec, "thread");
        JsonNode events = thread == null ? null : thread.get("events");
        if (events == null) {
            return List.of();
        }
        if (!events.isArray()) {
            throw validation("chat.thread.events must be an array");
        }
        List<ObjectNode> validated = new ArrayList<>();
        events.forEach(event -> validated.add(validatedEvent(event)));
        return validated;
    }

    /** Checks an event the customer sends and returns the fields to store (without id, created_at, author). */
    private ObjectNode validatedEvent(JsonNode event) {
        if (!event.isObject()) {
            throw validation("event must be an object");
        }
        ObjectNode stored = object();
        String customId = optionalText(event, "custom_id");
        if (customId != null) {
            stored.put("custom_id", customId);
        }
        String type = requiredText(event, "type");
        switch (type) {
            case "message" -> {
                String recipients = optionalText(event, "recipients");
                if (recipients != null && !recipients.equals("all") && !recipients.equals("agents")) {
                    throw validation("event.recipients must be all or agents");
                }
                String text = requiredText(event, "text");
                if (text.codePointCount(0, text.length()) > MAX_MESSAGE_CHARS) {
                    throw validation("event.text is longer than " + MAX_MESSAGE_CHARS + " characters");
                }
                stored.put("visibility", recipients != null ? recipients : "all").put("type", "message")
                        .put("text", text);
            }
            case "file" -> {
                String url = requiredText(event, "url");
                UploadedFile file = filesByUrl.get(url);
                if (file == null) {
                    throw validation("event.url must be a LiveChat CDN url returned by upload_file");
                }
                stored.put("visibility", "all").put("type", "file").put("url", url).put("name", file.name())
                        .put("content_type", file.contentType()).put("size", file.bytes().length);
                String alternativeText = optionalText(event, "alternative_text");
                if (alternativeText != null) {
                    stored.put("alternative_text", alternativeText);
                }
            }
            default -> throw validation("event.type " + type + " is not supported by this fake");
        }
        JsonNode properties = event.get("properties");
        if (properties != null) {
            if (!properties.isObject()) {
                throw validation("event.properties must be an object");
            }
            stored.set("properties", properties.deepCopy());
        }
        return stored;
    }

    private static List<Integer> groupIds(JsonNode container) {
        JsonNode ids = container.get("group_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw validation("group_ids must be a non-empty array of integers");
        }
        List<Integer> groupIds = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isInt()) {
                throw validation("group_ids must contain integers, got " + id);
            }
            groupIds.add(id.asInt());
        }
        return groupIds;
    }

    private void requireReachable(List<Integer> groupIds, boolean continuous) {
        for (int groupId : groupIds) {
            if (!groupStatuses.containsKey(groupId)) {
                throw apiError(400, "group_not_found", "Group " + groupId + " not found");
            }
        }
        // continuous:true means "online group is not required".
        if (!continuous && groupIds.stream().noneMatch(id -> ACCEPTING_STATUSES.contains(groupStatuses.get(id)))) {
            throw apiError(400, "groups_offline", "Groups offline");
        }
    }

    private Chat ownedChat(Customer customer, String chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null || !chat.entityId.equals(customer.entityId)) {
            throw validation("Chat not found");
        }
        return chat;
    }

    private Chat existingChat(String chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null) {
            throw new IllegalArgumentException("no chat " + chatId);
        }
        return chat;
    }

    private static boolean optionalBoolean(JsonNode node, String field, boolean defaultValue) {
        JsonNode value = node.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw validation(field + " must be a boolean");
        }
        return value.asBoolean();
    }

    private static JsonNode optionalObject(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value != null && !value.isObject()) {
            throw validation(field + " must be an object");
        }
        return value;
    }

    // ---------------------------------------------------------------- webhooks

    private static ObjectNode payload(Chat chat, ChatThread thread) {
        return object().put("chat_id", chat.id).put("thread_id", thread.id);
    }

    private int agentEvent(String chatId, String agentId, ObjectNode event) {
        List<Webhook> webhooks;
        synchronized (lock) {
            Chat chat = existingChat(chatId);
            ChatThread thread = chat.activeThread();
            ObjectNode stored = thread.append(agentId, event.put("visibility", "all"));
            webhooks = webhooks("incoming_event", payload(chat, thread).set("event", stored.deepCopy()));
        }
        return deliverAsOperator(webhooks);
    }

    /**
     * Builds one envelope per destination: the {@link #webhookTarget} first (unless a webhook registered for the
     * action has the same url and secret, which then replaces it), then each webhook registered for the action whose
     * filters match, in registration order. Empty when there is no destination. Call with the lock held.
     */
    private List<Webhook> webhooks(String action, ObjectNode payload) {
        List<Webhook> webhooks = new ArrayList<>();
        boolean targetRegistered = false;
        for (JsonNode registered : registeredWebhooks.values()) {
            if (!registered.get("action").asText().equals(action)) {
                continue;
            }
            String url = registered.get("url").asText();
            String secretKey = registered.get("secret_key").asText();
            targetRegistered |= url.equals(webhookUrl) && secretKey.equals(webhookSecret);
            if (passesFilters(registered.get("filters"), payload)) {
                webhooks.add(envelope(registered.get("id").asText(), url, secretKey, action, payload));
            }
        }
        if (webhookUrl != null && !targetRegistered) {
            String webhookId = webhookIds.computeIfAbsent(action, a -> UUID.randomUUID().toString().replace("-", ""));
            webhooks.add(0, envelope(webhookId, webhookUrl, webhookSecret, action, payload));
        }
        return webhooks;
    }

    private static Webhook envelope(String webhookId, String url, String secretKey, String action, ObjectNode payload) {
        ObjectNode envelope = object()
                .put("webhook_id", webhookId)
                .put("secret_key", secretKey)
                .put("action", action)
                .put("organization_id", ORGANIZATION_ID);
        envelope.set("payload", payload.deepCopy());
        envelope.putObject("additional_data");
        return Webhook.of(url, envelope);
    }

    /** Only {@code filters.author_type} is modelled; the others (only_my_chats, chat_presence, ...) pass everything. */
    private boolean passesFilters(JsonNode filters, JsonNode payload) {
        JsonNode authorType = filters == null ? null : filters.get("author_type");
        JsonNode event = payload.get("event");
        if (authorType == null || event == null) {
            return true;
        }
        Chat chat = chats.get(payload.path("chat_id").asText());
        boolean byCustomer = chat != null && chat.entityId.equals(event.path("author_id").asText());
        return authorType.asText().equals(byCustomer ? "customer" : "agent");
    }

    private List<Runnable> asyncDelivery(List<Webhook> webhooks) {
        return webhooks.stream().<Runnable>map(webhook -> () -> deliver(webhook)).toList();
    }

    // ---------------------------------------------------------------- small helpers

    private void resetState() {
        agentTokenTtlSeconds = DEFAULT_TOKEN_TTL_SECONDS;
        customerTokenTtlSeconds = DEFAULT_TOKEN_TTL_SECONDS;
        omitOrganizationIdInGrant = false;
        agentTokens.clear();
        customerTokens.clear();
        customers.clear();
        chats.clear();
        filesByUrl.clear();
        filesByPath.clear();
        groupStatuses.clear();
        groupStatuses.put(DEFAULT_GROUP, "offline");
        registeredWebhooks.clear();
    }

    private ObjectNode chatView(Chat chat, ChatThread thread) {
        ObjectNode view = object().put("id", chat.id);
        view.set("thread", thread.view());
        ArrayNode users = view.putArray("users");
        users.addObject().put("id", chat.entityId).put("type", "customer");
        chat.agents.forEach((id, name) -> users.addObject().put("id", id).put("name", name).put("type", "agent"));
        view.set("access", chat.accessView());
        view.putObject("properties");
        return view;
    }

    private static void addEvents(ObjectNode response, ChatThread thread, String authorId, List<ObjectNode> events) {
        if (events.isEmpty()) {
            return; // event_ids is returned only when initial events are sent
        }
        ArrayNode eventIds = response.putArray("event_ids");
        events.forEach(event -> eventIds.add(thread.append(authorId, event).get("id").asText()));
    }

    private static String bearerToken(Request request) {
        String authorization = request.headers().get("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    private static ObjectNode errorBody(String type, String message) {
        ObjectNode error = object().put("type", type);
        if (message != null) {
            error.put("message", message);
        }
        ObjectNode body = object();
        body.set("error", error);
        return body;
    }

    private static ApiError apiError(int status, String type, String message) {
        return new ApiError(status, errorBody(type, message));
    }

    private static ApiError validation(String message) {
        return apiError(400, "validation", message);
    }

    /** Error shape of the customer token endpoint (accounts service, OpenAPI spec). */
    private static ApiError oauthError(String exception, String description) {
        return new ApiError(401, object().put("oauth_exception", exception).put("exception_description", description));
    }

    /** Error shape of the OAuth token endpoint (RFC 6749 style). */
    private static ApiError tokenError(String error, String description) {
        return new ApiError(400, object().put("error", error).put("error_description", description));
    }

    @Override
    ApiError invalidField(String message) {
        return validation(message);
    }

    @Override
    ApiError internalError(RuntimeException bug) {
        return apiError(500, "internal", "fake failure: " + bug);
    }

    // ---------------------------------------------------------------- state types

    private record IssuedToken(String entityId, Instant expiresAt) {
    }

    private record UploadedFile(String name, String contentType, byte[] bytes) {
    }

    private static final class Customer {
        final String entityId;
        String name;
        String email;
        String avatar;
        JsonNode sessionFields;
        String chatId;

        Customer(String entityId) {
            this.entityId = entityId;
        }

        JsonNode view() {
            ObjectNode view = object().put("id", entityId).put("type", "customer");
            if (name != null) {
                view.put("name", name);
            }
            if (email != null) {
                view.put("email", email);
            }
            if (avatar != null) {
                view.put("avatar", avatar);
            }
            if (sessionFields != null) {
                view.set("session_fields", sessionFields.deepCopy());
            }
            return view;
        }
    }

    private static final class Chat {
        final String id;
        final String entityId;
        final List<ChatThread> threads = new ArrayList<>();
        final Map<String, String> agents = new LinkedHashMap<>();
        List<Integer> groupIds;

        Chat(String id, String entityId, List<Integer> groupIds) {
            this.id = id;
            this.entityId = entityId;
            this.groupIds = groupIds;
        }

        ChatThread openThread(String threadId, boolean active) {
            ChatThread thread = new ChatThread(threadId, active);
            threads.add(thread);
            return thread;
        }

        ChatThread lastThread() {
            return threads.get(threads.size() - 1);
        }

        /** For operator actions, which need an active thread just as a real agent does. */
        ChatThread activeThread() {
            ChatThread last = lastThread();
            if (!last.active) {
                throw new IllegalStateException("chat " + id + " has no active thread");
            }
            return last;
        }

        ObjectNode accessView() {
            ObjectNode access = object();
            groupIds.forEach(access.putArray("group_ids")::add);
            return access;
        }
    }

    private static final class ChatThread {
        final String id;
        final String createdAt = CREATED_AT.format(Instant.now());
        final List<ObjectNode> events = new ArrayList<>();
        boolean active;

        ChatThread(String id, boolean active) {
            this.id = id;
            this.active = active;
        }

        /** Stores an event with LiveChat's id scheme ({@code <thread>_<k>}) and returns it. */
        ObjectNode append(String authorId, ObjectNode fields) {
            ObjectNode event = object().put("id", id + "_" + (events.size() + 1));
            if (fields.has("custom_id")) {
                event.set("custom_id", fields.get("custom_id"));
            }
            event.put("created_at", CREATED_AT.format(Instant.now()));
            fields.properties().forEach(field -> {
                if (!event.has(field.getKey())) {
                    event.set(field.getKey(), field.getValue().deepCopy());
                }
            });
            event.put("author_id", authorId);
            events.add(event);
            return event;
        }

        ObjectNode view() {
            ObjectNode view = object().put("id", id).put("active", active).put("created_at", createdAt);
            ArrayNode list = view.putArray("events");
            events.forEach(event -> list.add(event.deepCopy()));
            return view;
        }
    }
}
