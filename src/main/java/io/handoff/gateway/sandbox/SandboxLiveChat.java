package io.handoff.gateway.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.HandoffProperties;

/**
 * A LiveChat for the sandbox: the accounts token endpoints, the Customer Chat Web API v3.6 methods and the
 * Configuration API webhook methods the gateway uses, with LiveChat's rules (organization_id and a customer
 * token on every customer call, JSON bodies, one chat per customer, online groups unless {@code continuous},
 * CDN-only file URLs, {@code chat_inactive}), plus the operator's side for the console. Its license webhooks
 * go to the gateway like LiveChat's: the four the README lists are registered for the gateway's
 * {@code /webhooks/livechat} from the start, as if added once in the Developer Console.
 *
 * <p>State is in memory. The gateway's store outlives it (H2 file), so a customer or chat the gateway still
 * knows after a restart is re-created on first use, the chat as archived: the conversation then goes back
 * to the bot ({@code chat_inactive}) instead of failing forever.
 *
 * <p>Thread-safe: one lock guards the state; webhooks are queued under it (so they keep the order of what
 * happened) and sent later by {@link SandboxWebhookSender}.
 */
@Component
@Profile("sandbox")
public class SandboxLiveChat {

    public static final String CLIENT_ID = "sandbox-client-id";
    public static final String CLIENT_SECRET = "sandbox-client-secret";
    public static final String REFRESH_TOKEN = "sandbox-refresh-token";
    /** Always accepted as an agent token: the sandbox's handoff.livechat.agent-token. */
    public static final String AGENT_TOKEN = "sandbox-agent-token";
    public static final String ORGANIZATION_ID = "5a4d0b0e-0000-4000-8000-5a4d0b0e0001";
    public static final String LICENSE_ID = "100000001";
    /** Served by the CDN from the start, so the console has a file link that opens. */
    public static final String SAMPLE_FILE_PATH = "/cdn/sample/price-list.txt";
    static final long TOKEN_TTL_SECONDS = 28_800;
    static final int MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
    static final int MAX_MESSAGE_CHARS = 16_384;
    /** The fakes' choice: the real error types of these two refusals are undocumented. */
    static final String CHAT_LIMIT_ERROR_TYPE = "validation";
    static final String CHAT_ACTIVE_ERROR_TYPE = "chat_already_active";
    static final Set<String> WEBHOOK_ACTIONS = Set.of("incoming_event", "chat_deactivated", "incoming_chat",
            "user_added_to_chat", "user_removed_from_chat", "chat_transferred", "event_updated", "event_deleted");
    static final int MAX_WEBHOOKS_PER_ACTION = 3;

    private static final Logger log = LoggerFactory.getLogger(SandboxLiveChat.class);
    private static final String BASE_PATH = "/sandbox/livechat";
    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper json;
    private final SandboxWebhookSender webhooks;
    private final String baseUrl;
    private final Object lock = new Object();

    // Everything below is guarded by lock.
    private final Map<Integer, String> groupNames = new TreeMap<>();
    private boolean operatorsOnline = true;
    private final Map<String, Instant> agentTokens = new HashMap<>();
    private final Map<String, IssuedToken> customerTokens = new HashMap<>();
    private final Map<String, Customer> customers = new LinkedHashMap<>();
    private final Map<String, Chat> chats = new LinkedHashMap<>();
    private final Map<String, UploadedFile> files = new HashMap<>();
    private final Map<String, ObjectNode> registeredWebhooks = new LinkedHashMap<>();

    public SandboxLiveChat(HandoffProperties properties, SandboxWebhookSender webhooks, ObjectMapper json,
                           @Value("${handoff.sandbox.gateway-url}") String gatewayUrl) {
        this.json = json;
        this.webhooks = webhooks;
        this.baseUrl = gatewayUrl.replaceAll("/+$", "") + BASE_PATH;
        groupNames.put(0, "All agents");
        properties.destinations().forEach((name, destination) -> {
            if ("livechat".equals(destination.provider())) {
                destination.groupIds().forEach(id -> groupNames.put(Integer.parseInt(id.trim()),
                        destination.description() != null ? destination.description() : name));
            }
        });
        String secret = properties.livechat().webhookSecret();
        if (secret != null && !secret.isBlank()) {
            String url = gatewayUrl.replaceAll("/+$", "") + "/webhooks/livechat";
            for (String action : List.of("incoming_event", "user_added_to_chat", "chat_deactivated", "chat_transferred")) {
                ObjectNode webhook = registration(action, url, secret, "license", "sandbox: the gateway's relay");
                if (action.equals("incoming_event")) {
                    webhook.putObject("filters").put("author_type", "agent");
                }
            }
        }
        files.put(SAMPLE_FILE_PATH, new UploadedFile("price-list.txt", "text/plain",
                "Sandbox price list\nTeapot ......... 12.00\nTea, 100 g ..... 4.50\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** The API root the gateway is configured with ({@code handoff.livechat.api-url}). */
    public String apiUrl() {
        return baseUrl + "/v3.6";
    }

    public String sampleFileUrl() {
        return baseUrl + SAMPLE_FILE_PATH;
    }

    /** A refusal in LiveChat's shape: the HTTP status and the body to answer. */
    public static final class Refusal extends RuntimeException {
        private final int status;
        private final transient JsonNode body;

        Refusal(int status, JsonNode body) {
            super(body.toString(), null, false, false);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public JsonNode body() {
            return body;
        }
    }

    // ---------------------------------------------------------------- accounts

    /** {@code POST /v2/token} with {@code grant_type=refresh_token} (form fields). */
    public ObjectNode refreshGrant(String contentType, Map<String, String> form) {
        if (!"application/x-www-form-urlencoded".equals(mediaType(contentType))) {
            throw tokenError("invalid_request", "body must be application/x-www-form-urlencoded");
        }
        if (!"refresh_token".equals(form.get("grant_type"))) {
            throw tokenError("unsupported_grant_type", "grant_type must be refresh_token");
        }
        if (!REFRESH_TOKEN.equals(form.get("refresh_token")) || !CLIENT_ID.equals(form.get("client_id"))
                || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            throw tokenError("invalid_grant", "invalid refresh_token, client_id or client_secret");
        }
        synchronized (lock) {
            String token = "sbx:agent-" + UUID.randomUUID();
            agentTokens.put(token, Instant.now().plusSeconds(TOKEN_TTL_SECONDS));
            return object().put("access_token", token).put("account_id", "sandbox-account")
                    .put("expires_in", TOKEN_TTL_SECONDS).put("organization_id", ORGANIZATION_ID)
                    .put("scope", "customers:own").put("refresh_token", REFRESH_TOKEN).put("token_type", "Bearer");
        }
    }

    /** {@code POST /v2/customer/token}, the agent_token grant: a new customer, or a token for a known one. */
    public ObjectNode customerGrant(String authorization, byte[] bodyBytes) {
        synchronized (lock) {
            String agentToken = bearer(authorization);
            if (agentToken == null || !isLiveAgentToken(agentToken)) {
                throw oauthError("invalid_request", "invalid agent token");
            }
            JsonNode body = parseObject(bodyBytes, () -> oauthError("invalid_request", "body must be a JSON object"));
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
            if (entityId != null && !entityId.isTextual()) {
                throw oauthError("invalid_grant", "entity_id must be a string");
            }
            Customer customer;
            if (entityId == null) {
                customer = new Customer(UUID.randomUUID().toString());
                customers.put(customer.entityId, customer);
            } else {
                customer = customers.computeIfAbsent(entityId.asText(), id -> {
                    log.info("sandbox LiveChat: customer {} re-created (forgotten in a restart)", id);
                    return new Customer(id);
                });
            }
            String token = "sbx:cust-" + UUID.randomUUID();
            customerTokens.put(token, new IssuedToken(customer.entityId, Instant.now().plusSeconds(TOKEN_TTL_SECONDS)));
            return object().put("access_token", token).put("client_id", CLIENT_ID).put("entity_id", customer.entityId)
                    .put("expires_in", TOKEN_TTL_SECONDS).put("token_type", "Bearer").put("organization_id", ORGANIZATION_ID);
        }
    }

    // ---------------------------------------------------------------- unauthenticated GETs

    /** {@code GET customer/action/get_dynamic_configuration?license_id=..|organization_id=..&group_id=..}. */
    public ObjectNode dynamicConfiguration(Map<String, String> query) {
        boolean known = query.containsKey("license_id") ? LICENSE_ID.equals(query.get("license_id"))
                : ORGANIZATION_ID.equals(query.get("organization_id"));
        if (!known) {
            throw apiError(404, "license_not_found", "License not found");
        }
        int groupId;
        try {
            groupId = Integer.parseInt(query.getOrDefault("group_id", "0"));
        } catch (NumberFormatException e) {
            throw validation("group_id must be an integer");
        }
        synchronized (lock) {
            ObjectNode response = object().put("organization_id", ORGANIZATION_ID).put("group_id", groupId)
                    .put("client_limit_exceeded", false);
            ObjectNode livechat = response.putObject("livechat");
            if (operatorsOnline) { // omitted when no group is online
                groupNames.keySet().forEach(livechat.putArray("online_group_ids")::add);
            }
            return response;
        }
    }

    /** A file on the CDN by its path below {@code /sandbox/livechat}. */
    public Optional<UploadedFile> cdnFile(String path) {
        synchronized (lock) {
            return Optional.ofNullable(files.get(path));
        }
    }

    // ---------------------------------------------------------------- Customer Chat API

    /** One JSON method of {@code customer/action/*}, checked as LiveChat does: organization_id, token, body. */
    public ObjectNode customerAction(String method, String organizationId, String authorization, String contentType,
                                     byte[] bodyBytes) {
        synchronized (lock) {
            Customer customer = authenticate(organizationId, authorization);
            if (!"application/json".equals(mediaType(contentType))) {
                throw validation("Content-Type must be application/json");
            }
            JsonNode body = parseObject(bodyBytes, () -> validation("request body must be a JSON object"));
            return switch (method) {
                case "list_group_statuses" -> listGroupStatuses(body);
                case "update_customer" -> updateCustomer(customer, body);
                case "start_chat" -> startChat(customer, body);
                case "resume_chat" -> resumeChat(customer, body);
                case "send_event" -> sendEvent(customer, body);
                case "deactivate_chat" -> deactivateChat(customer, body);
                case "get_chat" -> getChat(customer, body);
                case "list_chats" -> listChats(customer, body);
                case "get_customer" -> customer.view(object());
                default -> throw apiError(404, "not_found", "Unknown method " + method);
            };
        }
    }

    /** {@code customer/action/upload_file}: multipart part {@code file}; answers its CDN URL. */
    public ObjectNode uploadFile(String organizationId, String authorization, boolean multipart, String fileName,
                                 String contentType, byte[] content) {
        synchronized (lock) {
            authenticate(organizationId, authorization);
            if (!multipart) {
                throw validation("Content-Type must be multipart/form-data");
            }
            if (content == null) {
                throw validation("multipart part 'file' is required");
            }
            if (fileName == null || fileName.isBlank()) {
                throw validation("the file part needs a filename");
            }
            if (content.length > MAX_UPLOAD_BYTES) {
                throw apiError(413, "entity_too_large", "Upload limit exceeded (10MB)");
            }
            String path = "/cdn/" + UUID.randomUUID() + "/" + URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
            files.put(path, new UploadedFile(fileName, contentType != null ? contentType : "application/octet-stream", content));
            return object().put("url", baseUrl + path);
        }
    }

    private Customer authenticate(String organizationId, String authorization) {
        if (organizationId == null) {
            throw validation("organization_id query parameter is required");
        }
        if (!ORGANIZATION_ID.equals(organizationId)) {
            throw validation("invalid organization_id");
        }
        String token = bearer(authorization);
        IssuedToken issued = token == null ? null : customerTokens.get(token);
        if (issued == null || !Instant.now().isBefore(issued.expiresAt())) {
            throw apiError(401, "authentication", "Invalid access token");
        }
        return customers.get(issued.entityId());
    }

    private ObjectNode listGroupStatuses(JsonNode body) {
        boolean all = optionalBoolean(body, "all", false);
        List<Integer> ids = body.has("group_ids") ? groupIds(body) : null;
        if (all == (ids != null)) {
            throw validation("exactly one of all:true or group_ids is required");
        }
        ObjectNode statuses = object();
        groupNames.keySet().forEach(id -> {
            if (all || ids.contains(id)) {
                statuses.put(String.valueOf(id), operatorsOnline ? "online" : "offline");
            }
        });
        ObjectNode response = object();
        response.set("groups_status", statuses);
        return response;
    }

    private ObjectNode updateCustomer(Customer customer, JsonNode body) {
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

    private ObjectNode startChat(Customer customer, JsonNode body) {
        JsonNode chatSpec = optionalObject(body, "chat");
        JsonNode access = chatSpec == null ? null : optionalObject(chatSpec, "access");
        List<Integer> ids = access == null || !access.has("group_ids") ? List.of(0) : groupIds(access);
        List<ObjectNode> events = threadEvents(chatSpec);
        boolean active = optionalBoolean(body, "active", true);
        boolean continuous = optionalBoolean(body, "continuous", false);
        if (customer.chatId != null) {
            throw apiError(400, CHAT_LIMIT_ERROR_TYPE, "Chat limit reached");
        }
        requireReachable(ids, continuous);
        Chat chat = new Chat(newId(), customer.entityId, ids);
        chats.put(chat.id, chat);
        customer.chatId = chat.id;
        ChatThread thread = chat.openThread(newId(), active);
        ObjectNode response = object().put("chat_id", chat.id).put("thread_id", thread.id);
        addEvents(response, thread, customer.entityId, events);
        return response;
    }

    private ObjectNode resumeChat(Customer customer, JsonNode body) {
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
        Chat chat = ownedChat(customer, chatId);
        if (chat.lastThread().active) {
            throw apiError(400, CHAT_ACTIVE_ERROR_TYPE, "Chat is already active");
        }
        List<Integer> target = ids != null ? ids : chat.groupIds;
        requireReachable(target, continuous);
        chat.groupIds = target;
        ChatThread thread = chat.openThread(newId(), active);
        ObjectNode response = object().put("thread_id", thread.id);
        addEvents(response, thread, customer.entityId, events);
        return response;
    }

    private ObjectNode sendEvent(Customer customer, JsonNode body) {
        String chatId = requiredText(body, "chat_id");
        JsonNode eventSpec = optionalObject(body, "event");
        if (eventSpec == null) {
            throw validation("event is required");
        }
        ObjectNode event = validatedEvent(eventSpec);
        boolean attachToLastThread = optionalBoolean(body, "attach_to_last_thread", false);
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

    private ObjectNode deactivateChat(Customer customer, JsonNode body) {
        String chatId = requiredText(body, "id");
        Chat chat = ownedChat(customer, chatId);
        ChatThread thread = chat.lastThread();
        if (!thread.active) {
            throw apiError(400, "chat_inactive", "Chat is inactive");
        }
        thread.append("system", systemMessage("manual_archived_customer", "The customer closed the chat"));
        thread.active = false;
        chat.touch();
        // LiveChat also reports a customer's own close; the gateway must tolerate it
        webhook(chat, "chat_deactivated", payload(chat, thread).put("user_id", customer.entityId));
        return object();
    }

    private ObjectNode getChat(Customer customer, JsonNode body) {
        String chatId = requiredText(body, "chat_id");
        String threadId = optionalText(body, "thread_id");
        Chat chat = ownedChat(customer, chatId);
        ChatThread thread = threadId == null ? chat.lastThread() : chat.threads.stream()
                .filter(candidate -> candidate.id.equals(threadId)).findFirst()
                .orElseThrow(() -> validation("Thread not found"));
        ObjectNode view = object().put("id", chat.id);
        view.set("thread", thread.view());
        ArrayNode users = view.putArray("users");
        users.addObject().put("id", chat.entityId).put("type", "customer");
        thread.agents.forEach((id, name) -> users.addObject().put("id", id).put("name", name).put("type", "agent"));
        view.set("access", chat.accessView());
        view.putObject("properties");
        return view;
    }

    private ObjectNode listChats(Customer customer, JsonNode body) {
        JsonNode limit = body.get("limit");
        if (limit != null && !(limit.isInt() && limit.asInt() >= 1 && limit.asInt() <= 25)) {
            throw validation("limit must be an integer from 1 to 25");
        }
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
    public JsonNode configurationAction(String method, String authorization, String contentType, byte[] bodyBytes) {
        synchronized (lock) {
            String token = bearer(authorization);
            if (token == null || !isLiveAgentToken(token)) {
                throw apiError(401, "authentication", "Invalid access token");
            }
            if (!"application/json".equals(mediaType(contentType))) {
                throw validation("Content-Type must be application/json");
            }
            JsonNode body = parseObject(bodyBytes, () -> validation("request body must be a JSON object"));
            if (!CLIENT_ID.equals(requiredText(body, "owner_client_id"))) {
                throw validation("owner_client_id must be the Client ID of an app of this organization");
            }
            return switch (method) {
                case "list_webhooks" -> {
                    ArrayNode list = NODES.arrayNode();
                    registeredWebhooks.values().forEach(webhook -> list.add(webhook.deepCopy()));
                    yield list;
                }
                case "register_webhook" -> registerWebhook(body);
                case "unregister_webhook" -> {
                    if (registeredWebhooks.remove(requiredText(body, "id")) == null) {
                        throw validation("Webhook not found");
                    }
                    yield object();
                }
                default -> throw apiError(404, "not_found", "Unknown method " + method);
            };
        }
    }

    private ObjectNode registerWebhook(JsonNode body) {
        String action = requiredText(body, "action");
        if (!WEBHOOK_ACTIONS.contains(action)) {
            throw validation("action must be one of " + WEBHOOK_ACTIONS);
        }
        String secretKey = requiredText(body, "secret_key");
        String url = requiredText(body, "url");
        if (url.length() > 500 || !isHttpUrl(url)) {
            throw validation("url must be an http or https url of at most 500 characters");
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
        long sameAction = registeredWebhooks.values().stream()
                .filter(webhook -> webhook.get("action").asText().equals(action)).count();
        if (sameAction >= MAX_WEBHOOKS_PER_ACTION) {
            throw apiError(400, "limit_reached", "Webhooks limit reached for action " + action);
        }
        ObjectNode webhook = registration(action, url, secretKey, type, optionalText(body, "description"));
        if (filters != null) {
            webhook.set("filters", filters.deepCopy());
        }
        if (body.has("additional_data")) {
            webhook.set("additional_data", body.get("additional_data").deepCopy());
        }
        return object().put("id", webhook.get("id").asText());
    }

    private ObjectNode registration(String action, String url, String secretKey, String type, String description) {
        String id = UUID.randomUUID().toString().replace("-", "");
        ObjectNode webhook = object().put("id", id).put("action", action).put("url", url)
                .put("secret_key", secretKey).put("type", type).put("owner_client_id", CLIENT_ID);
        if (description != null) {
            webhook.put("description", description);
        }
        registeredWebhooks.put(id, webhook);
        return webhook;
    }

    // ---------------------------------------------------------------- the operator's side (console)

    /** Whether the groups have an agent accepting chats; off makes a handoff answer no-operators-online. */
    public void operatorsOnline(boolean online) {
        synchronized (lock) {
            operatorsOnline = online;
        }
    }

    public boolean operatorsOnline() {
        synchronized (lock) {
            return operatorsOnline;
        }
    }

    /** An agent joins the chat's active thread; sends {@code user_added_to_chat}. */
    public void agentJoins(String chatId, String agentId, String agentName) {
        synchronized (lock) {
            join(activeChat(chatId), agentId, agentName);
        }
    }

    /** An agent's message; an agent who has not joined joins first, as answering a chat does in LiveChat. */
    public void agentSays(String chatId, String agentId, String agentName, String text) {
        if (text == null || text.isBlank()) {
            throw validation("text is required");
        }
        agentEvent(chatId, agentId, agentName, object().put("type", "message").put("text", text));
    }

    /** An agent's file by URL; sends {@code incoming_event} with a file event. */
    public void agentSendsFile(String chatId, String agentId, String agentName, String url, String name, Long size) {
        if (url == null || !isHttpUrl(url)) {
            throw validation("url must be an http(s) URL");
        }
        ObjectNode event = object().put("type", "file").put("url", url)
                .put("name", name == null || name.isBlank() ? fileNameOf(url) : name);
        if (size != null) {
            event.put("size", size);
        }
        agentEvent(chatId, agentId, agentName, event);
    }

    /** An agent archives the chat; sends {@code chat_deactivated} with the agent as {@code user_id}. */
    public void agentCloses(String chatId, String agentId, String agentName) {
        synchronized (lock) {
            Chat chat = activeChat(chatId);
            ChatThread thread = chat.lastThread();
            thread.append("system", systemMessage("manual_archived_agent", displayName(agentId, agentName) + " archived the chat"));
            thread.active = false;
            chat.touch();
            webhook(chat, "chat_deactivated", payload(chat, thread).put("user_id", agentId));
        }
    }

    /** The console's list: every chat, newest activity first. */
    public List<ObjectNode> chats() {
        synchronized (lock) {
            return chats.values().stream().sorted(Comparator.comparing((Chat chat) -> chat.updatedAt).reversed())
                    .map(this::summary).toList();
        }
    }

    /** One chat for the console: its summary, the customer and every event of every thread. */
    public Optional<ObjectNode> chat(String chatId) {
        synchronized (lock) {
            Chat chat = chats.get(chatId);
            if (chat == null) {
                return Optional.empty();
            }
            ObjectNode view = summary(chat);
            Customer customer = customers.get(chat.entityId);
            if (customer != null) {
                view.set("customer", customer.view(object()));
            }
            ArrayNode messages = view.putArray("messages");
            for (ChatThread thread : chat.threads) {
                for (ObjectNode event : thread.events) {
                    messages.add(consoleMessage(chat, thread, event));
                }
            }
            return Optional.of(view);
        }
    }

    private void agentEvent(String chatId, String agentId, String agentName, ObjectNode event) {
        synchronized (lock) {
            Chat chat = activeChat(chatId);
            ChatThread thread = chat.lastThread();
            if (!thread.agents.containsKey(agentId)) {
                join(chat, agentId, agentName);
            }
            ObjectNode stored = thread.append(agentId, event.put("visibility", "all"));
            chat.touch();
            webhook(chat, "incoming_event", payload(chat, thread).set("event", stored.deepCopy()));
        }
    }

    private void join(Chat chat, String agentId, String agentName) {
        ChatThread thread = chat.lastThread();
        thread.agents.put(agentId, agentName);
        thread.append("system", systemMessage("agent_joined", displayName(agentId, agentName) + " joined the chat"));
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

    private ObjectNode summary(Chat chat) {
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
        chat.groupIds.forEach(id -> groups.add(groupNames.getOrDefault(id, "group " + id)));
        if (!thread.agents.isEmpty()) {
            summary.put("operator", String.join(", ", thread.agents.values()));
        }
        thread.events.stream().filter(event -> event.path("type").asText().equals("message"))
                .reduce((first, second) -> second)
                .ifPresent(last -> summary.put("lastMessage", last.path("text").asText()));
        return summary;
    }

    private ObjectNode consoleMessage(Chat chat, ChatThread thread, ObjectNode event) {
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
        return NODES.objectNode().put("chat_id", chat.id).put("thread_id", thread.id);
    }

    /** Queues one envelope per registered webhook of the action whose filters match. Lock held. */
    private void webhook(Chat chat, String action, ObjectNode payload) {
        for (ObjectNode registered : registeredWebhooks.values()) {
            if (!registered.get("action").asText().equals(action) || !passesFilters(chat, registered.get("filters"), payload)) {
                continue;
            }
            ObjectNode envelope = object().put("webhook_id", registered.get("id").asText())
                    .put("secret_key", registered.get("secret_key").asText()).put("action", action)
                    .put("organization_id", ORGANIZATION_ID);
            envelope.set("payload", payload.deepCopy());
            envelope.putObject("additional_data");
            webhooks.send("livechat", registered.get("url").asText(), envelope);
        }
    }

    /** Only {@code filters.author_type} is modelled; other filters pass everything. */
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

    /** Checks an event the customer sends and returns the fields to store. */
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
                stored.put("visibility", recipients != null ? recipients : "all").put("type", "message").put("text", text);
            }
            case "file" -> {
                String url = requiredText(event, "url");
                UploadedFile file = url.startsWith(baseUrl) ? files.get(url.substring(baseUrl.length())) : null;
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
            default -> throw validation("event.type " + type + " is not supported by the sandbox");
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
            if (!groupNames.containsKey(id)) {
                throw apiError(400, "group_not_found", "Group " + id + " not found");
            }
        }
        if (!continuous && !operatorsOnline) { // continuous:true means "online group is not required"
            throw apiError(400, "groups_offline", "Groups offline");
        }
    }

    /**
     * The customer's chat. One the sandbox does not know (lost in a restart, still in the gateway's store)
     * is re-created as archived, so the gateway sees an inactive chat, as after LiveChat closed an idle one.
     */
    private Chat ownedChat(Customer customer, String chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null) {
            log.info("sandbox LiveChat: chat {} re-created as archived (forgotten in a restart)", chatId);
            chat = new Chat(chatId, customer.entityId, List.of(0));
            chat.openThread(newId(), false);
            chats.put(chatId, chat);
            customer.chatId = chatId;
        }
        if (!chat.entityId.equals(customer.entityId)) {
            throw validation("Chat not found");
        }
        return chat;
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

    private JsonNode parseObject(byte[] body, Supplier<Refusal> refusal) {
        JsonNode parsed;
        try {
            parsed = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (IOException e) {
            throw refusal.get();
        }
        if (parsed == null || !parsed.isObject()) {
            throw refusal.get();
        }
        return parsed;
    }

    private static String requiredText(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null || value.isEmpty()) {
            throw validation(field + " is required and must be a non-empty string");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw validation(field + " must be a string");
        }
        return value.asText();
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
        return token.equals(AGENT_TOKEN) || (expiresAt != null && Instant.now().isBefore(expiresAt));
    }

    static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static String fileNameOf(String url) {
        String path = URI.create(url).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isBlank() ? "file" : name;
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

    private static ObjectNode systemMessage(String systemMessageType, String text) {
        return NODES.objectNode().put("type", "system_message")
                .put("system_message_type", systemMessageType).put("text", text).put("visibility", "all");
    }

    private static ObjectNode object() {
        return NODES.objectNode();
    }

    private static String newId() {
        StringBuilder id = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            id.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }

    private static Refusal apiError(int status, String type, String message) {
        ObjectNode body = NODES.objectNode();
        body.putObject("error").put("type", type).put("message", message);
        return new Refusal(status, body);
    }

    static Refusal validation(String message) {
        return apiError(400, "validation", message);
    }

    /** Error shape of the customer token endpoint (accounts service). */
    private static Refusal oauthError(String exception, String description) {
        return new Refusal(401, NODES.objectNode().put("oauth_exception", exception)
                .put("exception_description", description));
    }

    /** Error shape of the OAuth token endpoint (RFC 6749). */
    private static Refusal tokenError(String error, String description) {
        return new Refusal(400, NODES.objectNode().put("error", error).put("error_description", description));
    }

    // ---------------------------------------------------------------- state types

    /** A file on the sandbox CDN. */
    public record UploadedFile(String name, String contentType, byte[] bytes) {
    }

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

        ObjectNode view(ObjectNode view) {
            view.put("id", entityId).put("type", "customer");
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
            ObjectNode access = NODES.objectNode();
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
            ObjectNode event = NODES.objectNode().put("id", id + "_" + (events.size() + 1));
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
            ObjectNode view = NODES.objectNode().put("id", id).put("active", active).put("created_at", createdAt);
            ArrayNode list = view.putArray("events");
            events.forEach(event -> list.add(event.deepCopy()));
            return view;
        }
    }
}
