package io.handoff.gateway.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.provider.livechat.LiveChatProperties;
import io.handoff.gateway.sandbox.platform.Checkpoint;
import io.handoff.gateway.sandbox.platform.LiveChatPlatform;
import io.handoff.gateway.sandbox.platform.LiveChatPlatform.UploadedFile;

/**
 * A LiveChat for the sandbox: {@link LiveChatPlatform}'s rules, set up for the sandbox, with the operator's side
 * for the console. Its license webhooks go to the gateway like LiveChat's: the four the README lists are
 * registered for the gateway's {@code /webhooks/livechat} from the start, as if added once in the Developer
 * Console.
 *
 * <p>State is in memory. The gateway's store outlives it (H2 file), so a customer or chat the gateway still
 * knows after a restart is re-created on first use, the chat as archived: the conversation then goes back
 * to the bot ({@code chat_inactive}) instead of failing forever.
 *
 * <p>Thread-safe: one lock guards the model; webhooks are queued under it (so they keep the order of what
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
    /** The fakes' choice: the real error types of these two refusals are undocumented. */
    static final String CHAT_LIMIT_ERROR_TYPE = "validation";
    static final String CHAT_ACTIVE_ERROR_TYPE = "chat_already_active";

    private static final String BASE_PATH = "/sandbox/livechat";
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String baseUrl;
    private final LiveChatPlatform platform;

    public SandboxLiveChat(HandoffProperties properties, LiveChatProperties livechat, SandboxWebhookSender webhooks,
                           @Value("${handoff.sandbox.gateway-url}") String gatewayUrl) {
        String gateway = gatewayUrl.replaceAll("/+$", "");
        this.baseUrl = gateway + BASE_PATH;
        Map<Integer, String> groupNames = new TreeMap<>(Map.of(LiveChatPlatform.DEFAULT_GROUP, "All agents"));
        properties.destinations().forEach((name, destination) -> {
            if ("livechat".equals(destination.provider())) {
                destination.groupIds().forEach(id -> groupNames.put(Integer.parseInt(id.trim()),
                        destination.description() != null ? destination.description() : name));
            }
        });
        LiveChatPlatform.Ids ids = new LiveChatPlatform.Ids(() -> "sbx:agent-" + UUID.randomUUID(),
                () -> "sbx:cust-" + UUID.randomUUID(), SandboxLiveChat::newId, SandboxLiveChat::newId);
        platform = new LiveChatPlatform(new LiveChatPlatform.Options(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN,
                AGENT_TOKEN, ORGANIZATION_ID, LICENSE_ID, "sandbox-account", TOKEN_TTL_SECONDS, baseUrl,
                CHAT_LIMIT_ERROR_TYPE, CHAT_ACTIVE_ERROR_TYPE, "validation", groupNames, true, true, true, ids),
                (url, body) -> webhooks.send("livechat", url, body));
        String secret = livechat.webhookSecret();
        if (secret != null && !secret.isBlank()) {
            String url = gateway + "/webhooks/livechat";
            JsonNode agentsOnly = JsonNodeFactory.instance.objectNode().put("author_type", "agent");
            for (String action : List.of("incoming_event", "user_added_to_chat", "chat_deactivated", "chat_transferred")) {
                platform.register(action, url, secret, "license", action.equals("incoming_event") ? agentsOnly : null,
                        null, "sandbox: the gateway's relay");
            }
        }
        platform.addCdnFile(SAMPLE_FILE_PATH, new UploadedFile("price-list.txt", "text/plain",
                "Sandbox price list\nTeapot ......... 12.00\nTea, 100 g ..... 4.50\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** The API root the gateway is configured with ({@code handoff.livechat.api-url}). */
    public String apiUrl() {
        return baseUrl + "/v3.6";
    }

    public String sampleFileUrl() {
        return baseUrl + SAMPLE_FILE_PATH;
    }

    // ---------------------------------------------------------------- the API, as the controller receives it

    public synchronized ObjectNode refreshGrant(String contentType, Map<String, String> form) {
        return platform.refreshGrant(contentType, form, Checkpoint.NONE);
    }

    public synchronized ObjectNode customerGrant(String authorization, byte[] body) {
        return platform.customerGrant(authorization, body, Checkpoint.NONE);
    }

    public synchronized ObjectNode dynamicConfiguration(Map<String, String> query) {
        return platform.dynamicConfiguration(query, Checkpoint.NONE);
    }

    /** A file on the CDN by its path below {@code /sandbox/livechat}. */
    public synchronized Optional<UploadedFile> cdnFile(String path) {
        return platform.cdnFile(path);
    }

    public synchronized ObjectNode customerAction(String method, String organizationId, String authorization,
                                                  String contentType, byte[] body) {
        return platform.customerAction(method, organizationId, authorization, contentType, body, Checkpoint.NONE);
    }

    /** {@code upload_file}; {@code content} is null when the request has no part {@code file}. */
    public synchronized ObjectNode uploadFile(String organizationId, String authorization, boolean multipart,
                                              String fileName, String contentType, byte[] content) {
        return platform.uploadFile(organizationId, authorization, multipart,
                () -> content == null ? null : new UploadedFile(fileName, contentType, content), Checkpoint.NONE);
    }

    public synchronized JsonNode configurationAction(String method, String authorization, String contentType,
                                                     byte[] body) {
        return platform.configurationAction(method, authorization, contentType, body, Checkpoint.NONE);
    }

    // ---------------------------------------------------------------- the operator's side (console)

    /** Whether the groups have an agent accepting chats; off makes a handoff answer no-operators-online. */
    public synchronized void operatorsOnline(boolean online) {
        platform.operatorsOnline(online);
    }

    public synchronized boolean operatorsOnline() {
        return platform.operatorsOnline();
    }

    public synchronized void agentJoins(String chatId, String agentId, String agentName) {
        platform.agentJoins(chatId, agentId, agentName);
    }

    public synchronized void agentSays(String chatId, String agentId, String agentName, String text) {
        platform.agentSays(chatId, agentId, agentName, text);
    }

    public synchronized void agentSendsFile(String chatId, String agentId, String agentName, String url, String name,
                                            Long size) {
        platform.agentSendsFile(chatId, agentId, agentName, url, name, size);
    }

    public synchronized void agentCloses(String chatId, String agentId, String agentName) {
        platform.agentCloses(chatId, agentId, agentName);
    }

    /** The console's list: every chat, newest activity first. */
    public synchronized List<ObjectNode> chats() {
        return platform.consoleChats();
    }

    /** One chat for the console: its summary, the customer and every event of every thread. */
    public synchronized Optional<ObjectNode> chat(String chatId) {
        return platform.consoleChat(chatId);
    }

    private static String newId() {
        StringBuilder id = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            id.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }
}
