package io.handoff.gateway.sandbox;

import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.provider.livetex.LiveTexProperties;
import io.handoff.gateway.sandbox.platform.Checkpoint;
import io.handoff.gateway.sandbox.platform.LiveTexPlatform;

/**
 * A LiveTex Messaging API 1.0 touch point for the sandbox (reference/livetex-jaicp-dialogflow.md §2):
 * {@code getDestinations}, {@code selectDestination}, {@code sendText}, {@code sendFile}, {@code setWebhook} and
 * {@code getWebhookSettings}, keyed by {@code ?key=}, with LiveTex's error codes, plus the operator's side for the
 * console, whose {@code TextMessage}, {@code FileMessage} and {@code Closed} webhooks go to the gateway. The webhook
 * target starts as the gateway's {@code /webhooks/livetex} with {@code handoff.livetex.webhook-key}, as if
 * {@code setWebhook} had been called once; a {@code setWebhook} call replaces it.
 *
 * <p>Departments are the {@code group-ids} of the {@code livetex} destinations in {@code handoff.destinations}.
 * A user's destination (the open appeal) holds until the operator closes it; messages sent while none is
 * selected are kept and shown, as LiveTex queues them.
 *
 * <p>The rules are {@link LiveTexPlatform}'s. Thread-safe: one lock guards the model; webhooks are queued under it and sent by {@link SandboxWebhookSender}.
 */
@Component
@Profile("sandbox")
public class SandboxLiveTex {

    /** The touch point's access key: the sandbox's handoff.livetex.key. */
    public static final String KEY = "sandbox-livetex-key";
    public static final String TOUCH_POINT_ID = "sandbox-touch-point";
    public static final String DESTINATION_TYPE = LiveTexPlatform.DESTINATION_TYPE;

    private final LiveTexPlatform platform;

    public SandboxLiveTex(HandoffProperties properties, LiveTexProperties livetex, SandboxWebhookSender webhooks,
                          @Value("${handoff.sandbox.gateway-url}") String gatewayUrl) {
        platform = new LiveTexPlatform(KEY, TOUCH_POINT_ID, (url, body) -> webhooks.send("livetex", url, body));
        properties.destinations().forEach((name, destination) -> {
            if ("livetex".equals(destination.provider())) {
                destination.groupIds().forEach(id -> platform.destination(id.trim(),
                        destination.description() != null ? destination.description() : name, true));
            }
        });
        String key = livetex.webhookKey();
        if (key != null && !key.isBlank()) {
            platform.webhookTarget(gatewayUrl.replaceAll("/+$", "") + "/webhooks/livetex", key);
        }
    }

    /** {@code POST /1.0/<method>?key=...}, checked in LiveTex's order: route, key, body, data. */
    public synchronized ObjectNode call(String verb, String method, String key, String contentType, byte[] body) {
        return platform.call(verb, method, key, contentType, body, Checkpoint.NONE);
    }

    // ---------------------------------------------------------------- the operator's side (console)

    public synchronized void operatorsOnline(boolean online) {
        platform.operatorsOnline(online);
    }

    public synchronized void operatorSays(String userId, String employeeId, String firstName, String text) {
        platform.operatorSays(userId, employeeId, firstName, text);
    }

    public synchronized void operatorSendsFile(String userId, String employeeId, String firstName, String url,
                                               String name, Long size) {
        platform.operatorSendsFile(userId, employeeId, firstName, url, name, size);
    }

    public synchronized void operatorCloses(String userId, String employeeId, String firstName) {
        platform.operatorCloses(userId, employeeId, firstName);
    }

    /** The console's list: every user that wrote or chose a destination, newest activity first. */
    public synchronized List<ObjectNode> chats() {
        return platform.consoleChats();
    }

    public synchronized Optional<ObjectNode> chat(String userId) {
        return platform.consoleChat(userId);
    }
}
