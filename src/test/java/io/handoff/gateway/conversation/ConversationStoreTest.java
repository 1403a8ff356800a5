package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The store refuses to record a handoff for a conversation it does not hold, so no 201 is answered for it. */
class ConversationStoreTest {

    @Test
    void aHandoffIsRecordedOnlyForAConversationInTheStore() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:conversation-store-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(h2).load().migrate();
        ConversationStore store = new ConversationStore(new JdbcTemplate(h2), Clock.systemUTC());

        store.createIfAbsent("held");
        store.startHandoff("held", ConversationState.WAITING, "support", "livechat", "CH1", "TH1", "{}");
        assertThat(store.find("held").orElseThrow().state()).isEqualTo(ConversationState.WAITING);

        assertThatThrownBy(() -> store.startHandoff("gone", ConversationState.WAITING, "support", "livechat", "CH2",
                "TH2", "{}")).isInstanceOf(IllegalStateException.class).hasMessageContaining("gone");
        assertThat(store.find("gone")).isEmpty();
    }
}
