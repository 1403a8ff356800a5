package io.handoff.gateway.dialogflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * One Dialogflow session per conversation (shared/spec/gateway-api.md §7). Google limits a session id to 36
 * characters; the gateway also keeps to {@code A-Z a-z 0-9 _ -}, which is safe in a URL path segment.
 *
 * <p>A conversationId that already fits is its own session id, so the session is easy to find in Dialogflow's
 * history. Any other id (longer, or with {@code . : @}) becomes {@code h-} followed by the first 34 characters of the
 * unpadded base64url SHA-256 of its UTF-8 bytes (204 bits): the same on every instance, JVM and restart. Two
 * conversations share a session only if two digests agree in 204 bits, or if some conversation's own id is exactly
 * another one's 36-character digest: both negligible.
 */
public final class DialogflowSessions {

    public static final int MAX_LENGTH = 36;
    static final String DIGEST_PREFIX = "h-";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

    private DialogflowSessions() {
    }

    /** The Dialogflow session id of a conversation. */
    public static String sessionId(String conversationId) {
        if (conversationId == null || conversationId.isEmpty()) {
            throw new IllegalArgumentException("a conversationId is required");
        }
        if (isValidSessionId(conversationId)) {
            return conversationId;
        }
        byte[] digest = sha256(conversationId.getBytes(StandardCharsets.UTF_8));
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        return DIGEST_PREFIX + encoded.substring(0, MAX_LENGTH - DIGEST_PREFIX.length());
    }

    /** Whether Dialogflow (and the gateway) accept {@code sessionId} as it is. */
    public static boolean isValidSessionId(String sessionId) {
        return sessionId != null && VALID.matcher(sessionId).matches();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
