package io.handoff.gateway.sandbox.platform;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * LiveChat's rules, as the sandbox and the test fakes both play them: the accounts token endpoints, the Customer
 * Chat Web API v3.6 methods and the Configuration API webhook methods the gateway uses (organization_id and a
 * customer token on every customer call, JSON bodies, one chat per customer, online groups unless
 * {@code continuous}, CDN-only file URLs, {@code chat_inactive}), the webhooks that follow, and the operator's side.
 * Shapes follow {@code shared/reference/livechat-api.md}.
 *
 * <p>Order of checks on a call: organization_id, token, Content-Type, body shape, then the {@link Checkpoint},
 * then state checks (chat limit, offline groups, inactive chat) and changes. Errors are thrown as {@link Refusal}.
 *
 * <p>Not thread-safe: the user holds one lock around every call, and {@link WebhookOut} is called under it.
 */
public final class LiveChatPlatform {

    /** Group 0 is LiveChat's default group ("all agents"); start_chat without access targets it. */
    public static final int DEFAULT_GROUP = 0;
    public static final int MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
    /**
     * A message event's text: "16 KB" in LiveChat's docs, held here to the gateway's safe reading (16,000 bytes of
     * UTF-8), so a text the gateway should have split is refused as LiveChat would refuse an over-long one.
     */
    public static final int MAX_MESSAGE_TEXT_BYTES = 16_000;
    /** Actions register_webhook accepts (a subset of the real list, which also has routing_status_set etc.). */
    public static final Set<String> WEBHOOK_ACTIONS = Set.of("incoming_event", "chat_deactivated", "incoming_chat",
            "user_added_to_chat", "user_removed_from_chat", "chat_transferred", "event_updated", "event_deleted");
    public static final int MAX_WEBHOOKS_PER_ACTION = 3;
    public static final int MAX_WEBHOOK_URL_CHARS = 500;
    public static final Set<String> GROUP_STATUSES = Set.of("online", "online_for_queue", "offline");

    private static final Set<String> ACCEPTING_STATUSES = Set.of("online", "online_for_queue");
    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How one LiveChat is set up.
     *
     * @param staticAgentToken  always accepted as an agent token, like a long-lived token configured in the gateway
     * @param tokenTtlSeconds   lifetime of issued tokens until changed
     * @param cdnBaseUrl        uploaded files are served at this url plus {@code /cdn/<id>/<name>}
     * @param chatLimitErrorType  the error type of the one-chat-per-customer refusal (undocumented)
     * @param chatActiveErrorType the error type of resume_chat on an active chat (undocumented)
     * @param webhookNotFoundErrorType the error type of unregister_webhook with an unknown id (undocumented)
     * @param groupNames        the groups that exist, by id; {@link #groupStatus} adds more
     * @param groupsOnline      whether the groups start online or offline
     * @param recreateForgotten re-create customers and chats the caller names but this LiveChat does not know, the
     *                          chats as archived: the sandbox forgets them in a restart and the gateway's store does
     *                          not, so the conversation goes back to the bot instead of failing forever
     * @param narrate           add the system messages a real chat shows (agent joined, chat archived) and let an
     *                          agent's message join the agent first, as answering a chat does
     */
    public record Options(String clientId, String clientSecret, String refreshToken, String staticAgentToken,
                          String organizationId, String licenseId, String accountId, long tokenTtlSeconds,
                          String cdnBaseUrl, String chatLimitErrorType, String chatActiveErrorType,
                          String webhookNotFoundErrorType, Map<Integer, String> groupNames, boolean groupsOnline,
                          boolean recreateForgotten, boolean narrate, Ids ids) {
    }

    /** How ids are made: the fakes count (and keep counting across resets), the sandbox draws random ones. */
    public record Ids(Supplier<String> agentToken, Supplier<String> customerToken, Supplier<String> chat,
                      Supplier<String> thread) {
    }

    /** A file on the CDN, or a file part as uploaded (content type may then be null). */
    public record UploadedFile(String name, String contentType, byte[] bytes) {
    }

    private final Options options;
    private final WebhookOut webhookOut;
    // Like a registered webhook's id: stable per action, kept across resets.
    private final Map<String, String> targetWebhookIds = new HashMap<>();
    private String webhookUrl;
    private String webhookSecret;

    private long agentTokenTtlSeconds;
    private long customerTokenTtlSeconds;
    private boolean omitOrganizationIdInGrant;
    private final Map<Integer, String> groupStatuses = new TreeMap<>();
    private final Map<String, Instant> agentTokens = new HashMap<>();
    private final Map<String, IssuedToken> customerTokens = new HashMap<>();
    private final Map<String, Customer> customers = new LinkedHashMap<>();
    private final Map<String, Chat> chats = new LinkedHashMap<>();
    private final Map<String, UploadedFile> files = new HashMap<>();
    private final Map<String, ObjectNode> registeredWebhooks = new LinkedHashMap<>();

    public LiveChatPlatform(Options options, WebhookOut webhookOut) {
        this.options = options;
        this.webhookOut = webhookOut;
        reset();
    }

    public Options options() {
        return options;
    }

    /** Forgets everything but the {@link #webhookTarget}; groups and settings go back to the options'. */
    public void reset() {
        agentTokenTtlSeconds = options.tokenTtlSeconds();
        customerTokenTtlSeconds = options.tokenTtlSeconds();
        omitOrganizationIdInGrant = false;
        groupStatuses.clear();
        options.groupNames().keySet().forEach(id -> groupStatuses.put(id, options.groupsOnline() ? "online" : "offline"));
        agentTokens.clear();
        customerTokens.clear();
        customers.clear();
        chats.clear();
        files.clear();
        registeredWebhooks.clear();
    }

    // ---------------------------------------------------------------- settings

    /** Sets a group's routing status: "online", "online_for_queue" or "offline". Unknown groups do not exist. */
    public void groupStatus(int groupId, String status) {
        if (!GROUP_STATUSES.contains(status)) {
            throw new IllegalArgumentException("group status must be one of " + GROUP_STATUSES + ": " + status);
        }
        groupStatuses.put(groupId, status);
    }

    /** Sets every group online or offline: whether an agent accepts chats. */
    public void operatorsOnline(boolean online) {
        groupStatuses.replaceAll((id, status) -> online ? "online" : "offline");
    }

    public boolean operatorsOnline() {
        return groupStatuses.values().stream().anyMatch(ACCEPTING_STATUSES::contains);
    }

    public void agentTokenTtlSeconds(long seconds) {
        agentTokenTtlSeconds = seconds;
    }

    public void customerTokenTtlSeconds(long seconds) {
        customerTokenTtlSeconds = seconds;
    }

    /** Drops organization_id from the customer token grant response, for a gateway that must cope without it. */
    public void omitOrganizationIdInGrant(boolean omit) {
        omitOrganizationIdInGrant = omit;
    }

    /** Revokes all issued agent tokens (the static one stays valid). */
    public void expireAgentTokens() {
        agentTokens.clear();
    }

    /** Revokes all issued customer tokens; the customers and their chats remain. */
    public void expireCustomerTokens() {
        customerTokens.clear();
    }

    /**
     * A destination every action goes to, first, as if registered for each action outside list_webhooks; a
     * registration with the same url and secret replaces it, so a gateway that registers itself is not called twice.
     * A null url stops it.
     */
    public void webhookTarget(String url, String secretKey) {
        webhookUrl = url;
        webhookSecret = secretKey;
    }

    /** Puts a file on the CDN at {@code path} (below the CDN base url). */
    public void addCdnFile(String path, UploadedFile file) {
        files.put(path, file);
    }

    // ---------------------------------------------------------------- accounts

    /** {@code POST /v2/token} with {@code grant_type=refresh_token} (form fields). */
    public ObjectNode refreshGrant(String contentType, Map<String, String> form, Checkpoint checkpoint) {
        if (!"application/x-www-form-urlencoded".equals(mediaType(contentType))) {
            throw tokenError("invalid_request", "body must be application/x-www-form-urlencoded");
        }
        if (!"refresh_token".equals(form.get("grant_type"))) {
            throw tokenError("unsupported_grant_type", "grant_type must be refresh_token");
        }
        if (!options.refreshToken().equals(form.get("refresh_token")) || !options.clientId().equals(form.get("client_id"))
                || !options.clientSecret().equals(form.get("client_secret"))) {
            throw tokenError("invalid_grant", "invalid refresh_token, client_id or client_secret");
        }
        checkpoint.passed(fields(form));
        String token = options.ids().agentToken().get();
        agentTokens.put(token, Instant.now().plusSeconds(agentTokenTtlSeconds));
        return object().put("access_token", token).put("account_id", options.accountId())
                .put("expires_in", agentTokenTtlSeconds).put("organization_id", options.organizationId())
                .put("scope", "customers:own")
                .put("refresh_token", options.refreshToken()) // server-side refresh tokens do not rotate
                .put("token_type", "Bearer");
    }

    /** {@code POST /v2/customer/token}, the agent_token grant: a new customer, or a token for a known one. */
    public ObjectNode customerGrant(String authorization, byte[] bodyBytes, Checkpoint checkpoint) {
        String agentToken = bearer(authorization);
        if (agentToken == null || !isLiveAgentToken(agentToken)) {
            throw oauthError("invalid_request", "invalid agent token");
        }
        JsonNode body = parseObject(bodyBytes, () -> oauthError("invalid_request", "body must be a JSON object"));
        if (!"agent_token".equals(body.path("grant_type").asText(null))) {
            throw oauthError("invalid_request", "grant_type must be agent_token");
        }
        if (!options.clientId().equals(body.path("client_id").asText(null))) {
            throw oauthError("unauthorized_client", "invalid client_id");
        }
        if (!"token".equals(body.path("response_type").asText(null))) {
            throw oauthError("invalid_request", "response_type must be token");
        }
        JsonNode entityId = body.get("entity_id");
        if (entityId != null && !entityId.isTextual()) {
            throw oauthError("invalid_grant", "entity_id must be a string");
        }
        if (entityId != null && !options.recreateForgotten() && !customers.containsKey(entityId.asText())) {
            throw oauthError("invalid_grant", "unknown entity_id");
        }
        checkpoint.passed(body);
        Customer customer;
        if (entityId == null) {
            customer = new Customer(UUID.randomUUID().toString());
            customers.put(customer.entityId, customer);
        } else {
            customer = customers.computeIfAbsent(entityId.asText(), Customer::new);
        }
        String token = options.ids().customerToken().get();
        customerTokens.put(token, new IssuedToken(customer.entityId, Instant.now().plusSeconds(customerTokenTtlSeconds)));
        ObjectNode response = object().put("access_token", token).put("client_id", options.clientId())
                .put("entity_id", customer.entityId).put("expires_in", customerTokenTtlSeconds).put("token_type", "Bearer");
        if (!omitOrganizationIdInGrant) {
            response.put("organization_id", options.organizationId());
        }
        return response;
    }

    // ---------------------------------------------------------------- unauthenticated GETs

    /** {@code GET customer/action/get_dynamic_configuration?license_id=..|organization_id=..&group_id=..}. */
    public ObjectNode dynamicConfiguration(Map<String, String> query, Checkpoint checkpoint) {
        // The docs say this method accepts license_id or organization_id.
        boolean known = query.containsKey("license_id") ? options.licenseId().equals(query.get("license_id"))
                : options.organizationId().equals(query.get("organization_id"));
        if (!known) {
            throw apiError(404, "license_not_found", "License not found");
        }
        int groupId;
        try {
            groupId = Integer.parseInt(query.getOrDefault("group_id", String.valueOf(DEFAULT_GROUP)));
        } catch (NumberFormatException e) {
            throw validation("group_id must be an integer");
        }
        checkpoint.passed(fields(query));
        ObjectNode response = object().put("organization_id", options.organizationId()).put("group_id", groupId)
                .put("client_limit_exceeded", false);
        ObjectNode livechat = response.putObject("livechat");
        List<Integer> online = groupStatuses.entrySet().stream()
                .filter(entry -> entry.getValue().equals("online")).map(Map.Entry::getKey).toList();
        if (!online.isEmpty()) { // the docs say the field is omitted when no group is online
            online.forEach(livechat.putArray("online_group_ids")::add);
        }
        return response;
    }

    /** A file on the CDN by its path below the CDN base url. */
    public Optional<UploadedFile> cdnFile(String path) {
        return Optional.ofNullable(files.get(path));
    }

    // ---------------------------------------------------------------- Customer Chat API

    /** One JSON method of {@code customer/action/*}. */
    public ObjectNode customerAction(String method, String organizationId, String authorization, String contentType,
                                     byte[] bodyBytes, Checkpoint checkpoint) {
        Customer customer = authenticate(organizationId, authorization);
        if (!"application/json".equals(mediaType(contentType))) {
            throw validation("Content-Type must be application/json");
        }
        JsonNode body = jsonObject(bodyBytes);
        return switch (method) {
            case "list_group_statuses" -> listGroupStatuses(body, checkpoint);
            case "update_customer" -> updateCustomer(customer, body, checkpoint);
            case "start_chat" -> startChat(customer, body, checkpoint);
            case "resume_chat" -> resumeChat(customer, body, checkpoint);
            case "send_event" -> sendEvent(customer, body, checkpoint);
            case "deactivate_chat" -> deactivateChat(customer, body, checkpoint);
            case "get_chat" -> getChat(customer, body, checkpoint);
            case "list_chats" -> listChats(customer, body, checkpoint);
            case "get_customer" -> {
                checkpoint.passed(body);
                yield customer.view();
            }
            default -> throw apiError(404, "not_found", "Unknown method " + method);
        };
    }

    /**
     * {@code customer/action/upload_file}: the multipart part {@code file}, read by {@code filePart} only once the
     * caller is authenticated (null when there is none); answers the file's CDN url.
     */
    public ObjectNode uploadFile(String organizationId, String authorization, boolean multipart,
                                 Supplier<UploadedFile> filePart, Checkpoint checkpoint) {
        authenticate(organizationId, authorization);
        if (!multipart) {
            throw validation("Content-Type must be multipart/form-data");
        }
        UploadedFile part = filePart.get();
        if (part == null) {
            throw validation("multipart part 'file' is required");
        }
        if (part.name() == null || part.name().isBlank()) {
            throw validation("the file part needs a filename");
        }
        if (part.bytes().length > MAX_UPLOAD_BYTES) {
            throw apiError(413, "entity_too_large", "Upload limit exceeded (10MB)");
        }
        ObjectNode checked = object();
        checked.putObject("file").put("filename", part.name()).put("content_type", part.contentType())
                .put("size", part.bytes().length);
        checkpoint.passed(checked);
        String path = "/cdn/" + UUID.randomUUID() + "/" + URLEncoder.encode(part.name(), StandardCharsets.UTF_8).replace("+", "%20");
        files.put(path, new UploadedFile(part.name(),
                part.contentType() != null ? part.contentType() : "application/octet-stream", part.bytes()));
        return object().put("url", options.cdnBaseUrl() + path);
    }

    private Customer authenticate(String organizationId, String authorization) {
        if (organizationId == null) {
            throw validation("organization_id query parameter is required");
        }
        if (!options.organizationId().equals(organizationId)) {
            throw validation("invalid organization_id");
        }
        String token = bearer(authorization);
        IssuedToken issued = token == null ? null : customerTokens.get(token);
        if (issued == null || !Instant.now().isBefore(issued.expiresAt())) {
            throw apiError(401, "authentication", "Invalid access token");
        }
        return customers.get(issued.entityId());
    }

    private ObjectNode listGroupStatuses(JsonNode body, Checkpoint checkpoint) {
        boolean all = optionalBoolean(body, "all", false);
        List<Integer> ids = body.has("group_ids") ? groupIds(body) : null;
        if (all == (ids != null)) {
            throw validation("exactly one of all:true or group_ids is required");
        }
        checkpoint.passed(body);
        ObjectNode statuses = object();
        groupStatuses.forEach((id, status) -> {
            if (all || ids.contains(id)) {
                statuses.put(String.valueOf(id), status);
            }
        });
        ObjectNode response = object();
        response.set("groups_status", statuses);
        return response;
    }

    private ObjectNode updateCustomer(Customer customer, JsonNode body, Checkpoint checkpoint) {
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
        checkpoint.passed(body);
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
        return object();
    }

    private ObjectNode startChat(Customer customer, JsonNode body, Checkpoint checkpoint) {
        JsonNode chatSpec = optionalObject(body, "chat");
        JsonNode access = chatSpec == null ? null : optionalObject(chatSpec, "access");
        List<Integer> ids = access == null || !access.has("group_ids") ? List.of(DEFAULT_GROUP) : groupIds(access);
        List<ObjectNode> events = threadEvents(chatSpec);
        boolean active = optionalBoolean(body, "active", true);
        boolean continuous = optionalBoolean(body, "continuous", false);
        checkpoint.passed(body);
        if (customer.chatId != null) {
            throw apiError(400, options.chatLimitErrorType(), "Chat limit reached");
        }
        requireReachable(ids, continuous);
        Chat chat = new Chat(options.ids().chat().get(), customer.entityId, ids);
        chats.put(chat.id, chat);
        customer.chatId = chat.id;
        ChatThread thread = chat.openThread(options.ids().thread().get(), active);
        ObjectNode response = object().put("chat_id", chat.id).put("thread_id", thread.id);
        addEvents(response, thread, customer.entityId, events);
        return response;
    }

    private ObjectNode resumeChat(Customer customer, JsonNode body, Checkpoint checkpoint) {
        JsonNode chatSpec = optionalObject(body, "chat");
        if (chatSpec == null) {
            throw validation("chat is required");
        }
        String chatId = requiredText(chatSpec, "id");
        JsonNode access = optionalObject(chatSpec, "access");
        List<Integer> ids = access == null || !access.has("group_ids") ? null : groupIds(access);
        List<ObjectNode> events = threadEvents(chatSpec);
        boolean active = optionalBoolean(body, "active", true);
        boolean continuous = optionalBoolean(body, "continuous", false);
        checkpoint.passed(body);
        Chat chat = ownedChat(customer, chatId);
        if (chat.lastThread().active) {
            throw apiError(400, options.chatActiveErrorType(), "Chat is already active");
        }
        List<Integer> target = ids != null ? ids : chat.groupIds;
        requireReachable(target, continuous);
        chat.groupIds = target;
        ChatThread thread = chat.openThread(options.ids().thread().get(), active);
        ObjectNode response = object().put("thread_id", thread.id);
        addEvents(response, thread, customer.entityId, events);
        return response;
    }

    private ObjectNode sendEvent(Customer customer, JsonNode body, Checkpoint checkpoint) {
        String chatId = requiredText(body, "chat_id");
        JsonNode eventSpec = optionalObject(body, "event");
        if (eventSpec == null) {
            throw validation("event is required");
        }
        ObjectNode event = validatedEvent(eventSpec);
        boolean attachToLastThread = optionalBoolean(body, "attach_to_last_thread", false);
        checkpoint.passed(body);
        Chat chat = ownedChat(customer, chatId);
        ChatThread thread = chat.lastThread();
        if (!thread.active && !attachToLastThread) {
            throw apiError(400, "chat_inactive", "Chat is inactive");
        }
        ObjectNode stored = thread.append(customer.entityId, event);
        chat.touch();
        webhook(chat, "incoming_event", payload(chat, thread).set("event", stored.deepCopy()));
        return object().put("event_id", stored.get("id").asText());
    }

    private ObjectNode deactivateChat(Customer customer, JsonNode body, Checkpoint checkpoint) {
        String chatId = requiredText(body, "id");
        checkpoint.passed(body);
        Chat chat = ownedChat(customer, chatId);
        ChatThread thread = chat.lastThread();
        if (!thread.active) {
            throw apiError(400, "chat_inactive", "Chat is inactive");
        }
        narrate(thread, "manual_archived_customer", "The customer closed the chat");
        thread.active = false;
        chat.touch();
        // LiveChat also reports a customer's own close, so the gateway must tolerate it.
        webhook(chat, "chat_deactivated", payload(chat, thread).put("user_id", customer.entityId));
        return object();
    }

    private ObjectNode getChat(Customer customer, JsonNode body, Checkpoint checkpoint) {
        String chatId = requiredText(body, "chat_id");
        String threadId = optionalText(body, "thread_id");
        checkpoint.passed(body);
        Chat chat = ownedChat(customer, chatId);
        ChatThread thread = threadId == null ? chat.lastThread() : chat.threads.stream()
                .filter(candidate -> candidate.id.equals(threadId)).findFirst()
                .orElseThrow(() -> validation("Thread not found"));
        return chatView(chat, thread);
    }

    private ObjectNode listChats(Customer customer, JsonNode body, Checkpoint checkpoint) {
        JsonNode limit = body.get("limit");
        if (limit != null && !(limit.isInt() && limit.asInt() >= 1 && limit.asInt() <= 25)) {
            throw validation("limit must be an integer from 1 to 25");
        }
        checkpoint.passed(body);
        ArrayNode summaries = NODES.arrayNode();
        chats.values().stream().filter(chat -> chat.entityId.equals(customer.entityId)).forEach(chat -> {
            ObjectNode summary = summaries.addObject().put("id", chat.id);
            summary.putObject("last_thread_summary").put("id", chat.lastThread().id)
                    .put("active", chat.lastThread().active).put("created_at", chat.lastThread().createdAt);
            summary.set("access", chat.accessView());
        });
        ObjectNode response = object();
        response.set("chats_summary", summaries);
        response.put("total_chats", summaries.size());
        return response;
    }

    // ---------------------------------------------------------------- Configuration API (webhooks)

    /** {@code configuration/action/list_webhooks|register_webhook|unregister_webhook}, with the agent token. */
    public JsonNode configurationAction(String method, String authorization, String contentType, byte[] bodyBytes,
                                        Checkpoint checkpoint) {
        String token = bearer(authorization);
        if (token == null || !isLiveAgentToken(token)) {
            throw apiError(401, "authentication", "Invalid access token");
        }
        if (!"application/json".equals(mediaType(contentType))) {
            throw validation("Content-Type must be application/json");
        }
        JsonNode body = jsonObject(bodyBytes);
        if (!options.clientId().equals(requiredText(body, "owner_client_id"))) {
            throw validation("owner_client_id must be the Client ID of an app of this organization");
        }
        return switch (method) {
            case "list_webhooks" -> {
                checkpoint.passed(body);
                ArrayNode list = NODES.arrayNode();
                registeredWebhooks.values().forEach(webhook -> list.add(webhook.deepCopy()));
                yield list;
            }
            case "register_webhook" -> registerWebhook(body, checkpoint);
            case "unregister_webhook" -> {
                String id = requiredText(body, "id");
                checkpoint.passed(body);
                if (registeredWebhooks.remove(id) == null) {
                    throw apiError(400, options.webhookNotFoundErrorType(), "Webhook not found");
                }
                yield object();
            }
            default -> throw apiError(404, "not_found", "Unknown method " + method);
        };
    }

    private ObjectNode registerWebhook(JsonNode body, Checkpoint checkpoint) {
        String action = requiredText(body, "action");
        if (!WEBHOOK_ACTIONS.contains(action)) {
            throw validation("action must be one of " + WEBHOOK_ACTIONS);
        }
        String secretKey = requiredText(body, "secret_key");
        String url = requiredText(body, "url");
        if (url.length() > MAX_WEBHOOK_URL_CHARS || !Urls.isHttpUrl(url)) {
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
        checkpoint.passed(body);
        long sameAction = registeredWebhooks.values().stream()
                .filter(webhook -> webhook.get("action").asText().equals(action)).count();
        if (sameAction >= MAX_WEBHOOKS_PER_ACTION) {
            throw apiError(400, "limit_reached", "Webhooks limit reached for action " + action);
        }
        return object().put("id", register(action, url, secretKey, type, filters, additionalData, description));
    }

    /** Registers a webhook as register_webhook does, without its checks: one set up in the Developer Console. */
    public String register(String action, String url, String secretKey, String type, JsonNode filters,
                           JsonNode additionalData, String description) {
        String id = UUID.randomUUID().toString().replace("-", "");
        ObjectNode webhook = object().put("id", id).put("action", action).put("url", url)
                .put("secret_key", secretKey).put("type", type).put("owner_client_id", options.clientId());
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
        return id;
    }

    // ---------------------------------------------------------------- the operator's side

    /** An agent joins the chat's active thread; sends {@code user_added_to_chat}. */
    public void agentJoins(String chatId, String agentId, String agentName) {
        join(activeChat(chatId), agentId, agentName);
    }

    /** An agent's message on the active thread; sends {@code incoming_event}. */
    public void agentSays(String chatId, String agentId, String agentName, String text) {
        if (text == null || text.isBlank()) {
            throw validation("text is required");
        }
        agentEvent(chatId, agentId, agentName, object().put("type", "message").put("text", text));
    }

    /** An agent's file by url; sends {@code incoming_event} with a file event. */
    public void agentSendsFile(String chatId, String agentId, String agentName, String url, String name, Long size) {
        if (url == null || !Urls.isHttpUrl(url)) {
            throw validation("url must be an http(s) URL");
        }
        ObjectNode event = object().put("type", "file").put("url", url)
                .put("name", name == null || name.isBlank() ? Urls.fileNameOf(url) : name);
        if (size != null) {
            event.put("size", size);
        }
        agentEvent(chatId, agentId, agentName, event);
    }

    /** An agent archives the chat; sends {@code chat_deactivated} with the agent as {@code user_id}. */
    public void agentCloses(String chatId, String agentId, String agentName) {
        Chat chat = activeChat(chatId);
        ChatThread thread = chat.lastThread();
        narrate(thread, "manual_archived_agent", displayName(agentId, agentName) + " archived the chat");
        thread.active = false;
        chat.touch();
        webhook(chat, "chat_deactivated", payload(chat, thread).put("user_id", agentId));
    }

    private void agentEvent(String chatId, String agentId, String agentName, ObjectNode event) {
        Chat chat = activeChat(chatId);
        ChatThread thread = chat.lastThread();
        if (options.narrate() && !thread.agents.containsKey(agentId)) {
            join(chat, agentId, agentName);
        }
        ObjectNode stored = thread.append(agentId, event.put("visibility", "all"));
        chat.touch();
        webhook(chat, "incoming_event", payload(chat, thread).set("event", stored.deepCopy()));
    }

    private void join(Chat chat, String agentId, String agentName) {
        ChatThread thread = chat.lastThread();
        thread.agents.put(agentId, agentName);
        narrate(thread, "agent_joined", displayName(agentId, agentName) + " joined the chat");
        chat.touch();
        ObjectNode payload = payload(chat, thread);
        payload.set("user", object().put("id", agentId).put("name", agentName).put("type", "agent"));
        payload.put("reason", "manual").put("requester_id", agentId);
        webhook(chat, "user_added_to_chat", payload);
    }

    private Chat activeChat(String chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null) {
            throw apiError(404, "not_found", "No chat " + chatId);
        }
        if (!chat.lastThread().active) {
            throw apiError(400, "chat_inactive", "Chat " + chatId + " is closed");
        }
        return chat;
    }

    private void narrate(ChatThread thread, String systemMessageType, String text) {
        if (options.narrate()) {
            thread.append("system", object().put("type", "system_message")
                    .put("system_message_type", systemMessageType).put("text", text).put("visibility", "all"));
        }
    }

    // ---------------------------------------------------------------- inspection

    /** Webhooks registered now, in registration order, as list_webhooks returns them. */
    public List<JsonNode> registeredWebhooks() {
        return registeredWebhooks.values().stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    public int customerCount() {
        return customers.size();
    }

    /** A customer as stored by the grant and update_customer: {id, type, name?, email?, avatar?, session_fields?}. */
    public Optional<JsonNode> customer(String entityId) {
        return Optional.ofNullable(customers.get(entityId)).map(Customer::view);
    }

    /** The chat as get_chat shows it (latest thread), plus {@code threads}: every thread with its events. */
    public Optional<JsonNode> chatWithThreads(String chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null) {
            return Optional.empty();
        }
        ObjectNode view = chatView(chat, chat.lastThread());
        ArrayNode threads = view.putArray("threads");
        chat.threads.forEach(thread -> threads.add(thread.view()));
        return Optional.of(view);
    }

    /** Every chat's id, oldest first. */
    public List<String> chatIds() {
        return List.copyOf(chats.keySet());
    }

    public Optional<String> entityIdOfChat(String chatId) {
        return Optional.ofNullable(chats.get(chatId)).map(chat -> chat.entityId);
    }

    /** All events of all threads of the chat, oldest first; empty when there is no such chat. */
    public Optional<List<JsonNode>> eventsOf(String chatId) {
        return Optional.ofNullable(chats.get(chatId)).map(chat -> chat.threads.stream()
                .flatMap(thread -> thread.events.stream()).<JsonNode>map(JsonNode::deepCopy).toList());
    }

    /** Whether the chat's last thread is active; empty when there is no such chat. */
    public Optional<Boolean> isActive(String chatId) {
        return Optional.ofNullable(chats.get(chatId)).map(chat -> chat.lastThread().active);
    }

    /** The console's list: every chat, newest activity first. */
    public List<ObjectNode> consoleChats() {
        return chats.values().stream().sorted(Comparator.comparing((Chat chat) -> chat.updatedAt).reversed())
                .map(this::consoleSummary).toList();
    }

    /** One chat for the console: its summary, the customer and every event of every thread. */
    public Optional<ObjectNode> consoleChat(String chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null) {
            return Optional.empty();
        }
        ObjectNode view = consoleSummary(chat);
        Customer customer = customers.get(chat.entityId);
        if (customer != null) {
            view.set("customer", customer.view());
        }
        ArrayNode messages = view.putArray("messages");
        for (ChatThread thread : chat.threads) {
            for (ObjectNode event : thread.events) {
                messages.add(consoleMessage(chat, thread, event));
            }
        }
        return Optional.of(view);
    }

    private ObjectNode consoleSummary(Chat chat) {
        ChatThread thread = chat.lastThread();
        Customer customer = customers.get(chat.entityId);
        ObjectNode summary = object().put("provider", "livechat").put("id", chat.id).put("threadId", thread.id)
                .put("active", thread.active)
                .put("state", !thread.active ? "closed" : thread.agents.isEmpty() ? "waiting" : "talking")
                .put("updatedAt", chat.updatedAt.toString());
        if (customer != null && customer.name != null) {
            summary.put("customerName", customer.name);
        }
        ArrayNode groups = summary.putArray("groups");
        chat.groupIds.forEach(id -> groups.add(options.groupNames().getOrDefault(id, "group " + id)));
        if (!thread.agents.isEmpty()) {
            summary.put("operator", String.join(", ", thread.agents.values()));
        }
        thread.events.stream().filter(event -> event.path("type").asText().equals("message"))
                .reduce((first, second) -> second)
                .ifPresent(last -> summary.put("lastMessage", last.path("text").asText()));
        return summary;
    }

    private static ObjectNode consoleMessage(Chat chat, ChatThread thread, ObjectNode event) {
        String author = event.path("author_id").asText();
        String from = author.equals(chat.entityId) ? "customer" : author.equals("system") ? "system" : "operator";
        ObjectNode message = object().put("id", event.path("id").asText()).put("threadId", thread.id)
                .put("from", from).put("type", event.path("type").asText()).put("at", event.path("created_at").asText());
        if (from.equals("operator")) {
            message.put("author", thread.agents.getOrDefault(author, author));
        }
        for (String field : List.of("text", "url", "name", "size", "visibility")) {
            if (event.has(field)) {
                message.set(field, event.get(field));
            }
        }
        return message;
    }

    // ---------------------------------------------------------------- webhooks

    private static ObjectNode payload(Chat chat, ChatThread thread) {
        return object().put("chat_id", chat.id).put("thread_id", thread.id);
    }

    /**
     * Sends one envelope per destination: the {@link #webhookTarget} first (unless a webhook registered for the
     * action has the same url and secret, which then replaces it), then each webhook registered for the action whose
     * filters match, in registration order.
     */
    private void webhook(Chat chat, String action, ObjectNode payload) {
        List<ObjectNode> destinations = new ArrayList<>();
        boolean targetRegistered = false;
        for (ObjectNode registered : registeredWebhooks.values()) {
            if (!registered.get("action").asText().equals(action)) {
                continue;
            }
            String url = registered.get("url").asText();
            String secretKey = registered.get("secret_key").asText();
            targetRegistered |= url.equals(webhookUrl) && secretKey.equals(webhookSecret);
            if (passesFilters(chat, registered.get("filters"), payload)) {
                destinations.add(registered);
            }
        }
        if (webhookUrl != null && !targetRegistered) {
            String id = targetWebhookIds.computeIfAbsent(action, a -> UUID.randomUUID().toString().replace("-", ""));
            // the target stands for a webhook registered as the gateway registers it: with the chat's users
            webhookOut.send(webhookUrl, envelope(id, webhookSecret, action, payload, chat, TARGET_ADDITIONAL_DATA));
        }
        destinations.forEach(registered -> webhookOut.send(registered.get("url").asText(),
                envelope(registered.get("id").asText(), registered.get("secret_key").asText(), action, payload, chat,
                        registered.get("additional_data"))));
    }

    private static final JsonNode TARGET_ADDITIONAL_DATA = JSON.createArrayNode().add("chat_presence_user_ids");

    /** {@code additional_data} holds what the webhook was registered with: the chat's users, its properties. */
    private ObjectNode envelope(String webhookId, String secretKey, String action, ObjectNode payload, Chat chat,
                                JsonNode additionalData) {
        ObjectNode envelope = object().put("webhook_id", webhookId).put("secret_key", secretKey).put("action", action)
                .put("organization_id", options.organizationId());
        envelope.set("payload", payload.deepCopy());
        ObjectNode data = envelope.putObject("additional_data");
        if (additionalData != null) {
            additionalData.forEach(requested -> {
                if (requested.asText().equals("chat_presence_user_ids")) {
                    ArrayNode users = data.putArray("chat_presence_user_ids").add(chat.entityId);
                    if (!chat.threads.isEmpty()) {
                        chat.lastThread().agents.keySet().forEach(users::add);
                    }
                } else if (requested.asText().equals("chat_properties")) {
                    data.putObject("chat_properties");
                }
            });
        }
        return envelope;
    }

    /** Only {@code filters.author_type} is modelled; the others (only_my_chats, chat_presence, ...) pass everything. */
    private static boolean passesFilters(Chat chat, JsonNode filters, JsonNode payload) {
        JsonNode authorType = filters == null ? null : filters.get("author_type");
        JsonNode event = payload.get("event");
        if (authorType == null || event == null) {
            return true;
        }
        boolean byCustomer = chat.entityId.equals(event.path("author_id").asText());
        return authorType.asText().equals(byCustomer ? "customer" : "agent");
    }

    // ---------------------------------------------------------------- validation helpers

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
                if (text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_TEXT_BYTES) {
                    throw validation("event.text is longer than " + MAX_MESSAGE_TEXT_BYTES + " bytes of UTF-8");
                }
                stored.put("visibility", recipients != null ? recipients : "all").put("type", "message").put("text", text);
            }
            case "file" -> {
                String url = requiredText(event, "url");
                String base = options.cdnBaseUrl();
                UploadedFile file = url.startsWith(base) ? files.get(url.substring(base.length())) : null;
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
            default -> throw validation("event.type " + type + " is not supported here");
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

    private static void addEvents(ObjectNode response, ChatThread thread, String authorId, List<ObjectNode> events) {
        if (events.isEmpty()) {
            return; // event_ids is returned only when initial events are sent
        }
        ArrayNode eventIds = response.putArray("event_ids");
        events.forEach(event -> eventIds.add(thread.append(authorId, event).get("id").asText()));
    }

    private void requireReachable(List<Integer> ids, boolean continuous) {
        for (int id : ids) {
            if (!groupStatuses.containsKey(id)) {
                throw apiError(400, "group_not_found", "Group " + id + " not found");
            }
        }
        // continuous:true means "online group is not required".
        if (!continuous && ids.stream().noneMatch(id -> ACCEPTING_STATUSES.contains(groupStatuses.get(id)))) {
            throw apiError(400, "groups_offline", "Groups offline");
        }
    }

    /** The customer's chat; see {@link Options#recreateForgotten} for one this LiveChat does not know. */
    private Chat ownedChat(Customer customer, String chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null && options.recreateForgotten()) {
            chat = new Chat(chatId, customer.entityId, List.of(DEFAULT_GROUP));
            chat.openThread(options.ids().thread().get(), false);
            chats.put(chatId, chat);
            customer.chatId = chatId;
        }
        if (chat == null || !chat.entityId.equals(customer.entityId)) {
            throw validation("Chat not found");
        }
        return chat;
    }

    private ObjectNode chatView(Chat chat, ChatThread thread) {
        ObjectNode view = object().put("id", chat.id);
        view.set("thread", thread.view());
        ArrayNode users = view.putArray("users");
        users.addObject().put("id", chat.entityId).put("type", "customer");
        thread.agents.forEach((id, name) -> users.addObject().put("id", id).put("name", name).put("type", "agent"));
        view.set("access", chat.accessView());
        view.putObject("properties");
        return view;
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

    private static JsonNode jsonObject(byte[] body) {
        JsonNode parsed;
        try {
            parsed = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw validation("request body is not valid JSON");
        }
        if (parsed == null || !parsed.isObject()) {
            throw validation("request body must be a JSON object");
        }
        return parsed;
    }

    private static JsonNode parseObject(byte[] body, Supplier<Refusal> refusal) {
        try {
            JsonNode parsed = body == null || body.length == 0 ? null : JSON.readTree(body);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (IOException e) {
            // refused below
        }
        throw refusal.get();
    }

    private static String requiredText(JsonNode node, String field) {
        return Fields.requiredText(node, field, LiveChatPlatform::validation);
    }

    private static String optionalText(JsonNode node, String field) {
        return Fields.optionalText(node, field, LiveChatPlatform::validation);
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

    private boolean isLiveAgentToken(String token) {
        Instant expiresAt = agentTokens.get(token);
        return token.equals(options.staticAgentToken()) || (expiresAt != null && Instant.now().isBefore(expiresAt));
    }

    private static ObjectNode fields(Map<String, String> values) {
        ObjectNode node = object();
        values.forEach(node::put);
        return node;
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    private static String mediaType(String contentType) {
        return contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static String displayName(String id, String name) {
        return name == null || name.isBlank() ? id : name;
    }

    private static ObjectNode object() {
        return NODES.objectNode();
    }

    public static Refusal apiError(int status, String type, String message) {
        ObjectNode body = object();
        body.putObject("error").put("type", type).put("message", message);
        return new Refusal(status, body);
    }

    public static Refusal validation(String message) {
        return apiError(400, "validation", message);
    }

    /** Error shape of the customer token endpoint (accounts service). */
    private static Refusal oauthError(String exception, String description) {
        return new Refusal(401, object().put("oauth_exception", exception).put("exception_description", description));
    }

    /** Error shape of the OAuth token endpoint (RFC 6749). */
    private static Refusal tokenError(String error, String description) {
        return new Refusal(400, object().put("error", error).put("error_description", description));
    }

    // ---------------------------------------------------------------- state types

    private record IssuedToken(String entityId, Instant expiresAt) {
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

        ObjectNode view() {
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
        List<Integer> groupIds;
        Instant updatedAt = Instant.now();

        Chat(String id, String entityId, List<Integer> groupIds) {
            this.id = id;
            this.entityId = entityId;
            this.groupIds = groupIds;
        }

        ChatThread openThread(String threadId, boolean active) {
            ChatThread thread = new ChatThread(threadId, active);
            threads.add(thread);
            touch();
            return thread;
        }

        ChatThread lastThread() {
            return threads.get(threads.size() - 1);
        }

        void touch() {
            updatedAt = Instant.now();
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
        /** Agents in this thread: a resumed chat is a new thread that an agent joins again. */
        final Map<String, String> agents = new LinkedHashMap<>();
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
