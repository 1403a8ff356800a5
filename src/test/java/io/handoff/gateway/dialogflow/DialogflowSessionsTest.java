package io.handoff.gateway.dialogflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DialogflowSessionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "conv-42", "A_b-9", "123456789012345678901234567890123456"})
    void anIdThatFitsIsItsOwnSession(String conversationId) {
        assertThat(DialogflowSessions.sessionId(conversationId)).isEqualTo(conversationId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567890123456789012345678901234567", "jaicp:shop:user-1", "user@example.com",
        "v1.2", "conv 1", "ключ",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void anyOtherIdIsAStableDigestOf36SafeCharacters(String conversationId) {
        String session = DialogflowSessions.sessionId(conversationId);
        assertThat(session).hasSize(36).startsWith("h-").matches("[A-Za-z0-9_-]{36}");
        assertThat(DialogflowSessions.isValidSessionId(session)).isTrue();
        assertThat(DialogflowSessions.sessionId(conversationId)).isEqualTo(session);
    }

    @Test
    void theDigestIsFixedAcrossJvms() {
        // SHA-256("jaicp:shop:user-1"), base64url, first 34 characters: a change here strands every live session
        assertThat(DialogflowSessions.sessionId("jaicp:shop:user-1"))
                .isEqualTo("h-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                        sha256("jaicp:shop:user-1")).substring(0, 34));
        assertThat(DialogflowSessions.sessionId("1234567890123456789012345678901234567"))
                .isEqualTo("h-f3ewQ02Atmx3Rl-xll4dErea4aG0d16gb_");
    }

    @Test
    void theBoundaryIs36() {
        String fits = "x".repeat(36);
        String over = "x".repeat(37);
        assertThat(DialogflowSessions.sessionId(fits)).isEqualTo(fits);
        assertThat(DialogflowSessions.sessionId(over)).isNotEqualTo(over).hasSize(36).startsWith("h-");
    }

    @Test
    void similarLongIdsGetDifferentSessions() {
        Set<String> sessions = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            sessions.add(DialogflowSessions.sessionId("jaicp:shop:user-" + i));
        }
        assertThat(sessions).hasSize(1000);
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
