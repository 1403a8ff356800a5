package io.handoff.gateway.livechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.support.Postgres;

/** The LiveChat relay on PostgreSQL (reachable on CI). */
@EnabledIf("io.handoff.gateway.support.Postgres#reachable")
class LiveChatRelayPostgresTest extends LiveChatRelayScenarios {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        relayProperties(registry);
        Postgres.register(registry, "livechat_relay");
    }

    @Autowired
    JdbcTemplate jdbc;

    /**
     * The database refuses to store the operator's close once (a trigger of this test's schema): the
     * webhook fails, LiveChat retries it, and the retry still hands the conversation back with one
     * livechatFinished. The event id, the state change and the event commit together or not at all.
     */
    @Test
    void anOperatorsCloseThatCouldNotBeStoredIsStoredByTheRetry() {
        String id = newConversationId();
        String chat = startHandoff(id, Map.of("firstMessage", "hi"));
        assertThat(LIVECHAT.agentJoins(chat, AGENT, "Anna")).isEqualTo(200);
        jdbc.execute("create function refuse_finished() returns trigger language plpgsql as $$ begin "
                + "if new.conversation_id = '" + id + "' and new.type = 'livechatFinished' then raise exception 'refused by the test'; end if; "
                + "return new; end $$");
        jdbc.execute("create trigger refuse_finished before insert on conversation_event for each row execute function refuse_finished()");
        try {
            assertThat(LIVECHAT.agentCloses(chat, AGENT)).isGreaterThanOrEqualTo(500); // LiveChat will retry
            assertThat(state(id)).isEqualTo("OPERATOR");
        } finally {
            jdbc.execute("drop trigger refuse_finished on conversation_event");
            jdbc.execute("drop function refuse_finished()");
        }

        assertThat(LIVECHAT.resendLastWebhook()).isEqualTo(200);

        assertThat(state(id)).isEqualTo("BOT");
        assertThat(bot.events(id, 0)).extracting(e -> e.path("type").asText()).containsExactly("operatorJoined", "livechatFinished");
        await().atMost(Duration.ofSeconds(10)).until(() -> pushedTypes(id).contains("livechatFinished"));
    }
}
