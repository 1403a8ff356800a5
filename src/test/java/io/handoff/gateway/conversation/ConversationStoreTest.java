package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;

import org.junit.jupiter.api.Test;

import io.handoff.gateway.support.MigratedDatabase;

/** The store refuses to record a handoff for a conversation it does not hold, so no 201 is answered for it. */
class ConversationStoreTest {

    @Test
    void aHandoffIsRecordedOnlyForAConversationInTheStore() {
        ConversationStore store = new ConversationStore(MigratedDatabase.inMemory("conversation-store"), Clock.systemUTC());

        store.createIfAbsent("held");
        store.startHandoff("held", ConversationState.WAITING, "support", "livechat", "CH1", "TH1", "{}");
        assertThat(store.find("held").orElseThrow().state()).isEqualTo(ConversationState.WAITING);

        assertThatThrownBy(() -> store.startHandoff("gone", ConversationState.WAITING, "support", "livechat", "CH2",
                "TH2", "{}")).isInstanceOf(IllegalStateException.class).hasMessageContaining("gone");
        assertThat(store.find("gone")).isEmpty();
    }
}
