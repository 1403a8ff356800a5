package io.handoff.gateway.provider.livechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.conversation.ConversationStore;
import io.handoff.gateway.conversation.ProviderAccounts;
import io.handoff.gateway.provider.WebhookTooEarlyException;
import io.handoff.gateway.support.MigratedDatabase;

/**
 * A webhook of a chat the gateway does not know: refused (to be delivered again) only when the chat's users
 * name the customer of a conversation whose first chat is being started right now; ignored otherwise, as
 * LiveChat's license webhooks bring every other chat of the license too.
 */
class LiveChatUnknownChatTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNode AGENT_JOINED = JSON.createObjectNode().put("chat_id", "NEW1").put("thread_id", "T1")
            .set("user", JSON.createObjectNode().put("id", "anna@example.com").put("type", "agent"));

    ConversationStore conversations;
    ProviderAccounts accounts;
    LiveChatWebhooks webhooks;

    @BeforeEach
    void store() {
        JdbcTemplate jdbc = MigratedDatabase.inMemory("unknown-chat");
        conversations = new ConversationStore(jdbc, Clock.systemUTC());
        accounts = new ProviderAccounts(jdbc);
        webhooks = new LiveChatWebhooks(properties(), accounts, conversations, JSON);
    }

    static LiveChatProperties properties() {
        return new LiveChatProperties(null, null, "client", null, null, null, null, null, "secret", null, null,
                List.of(), List.of(), null, true);
    }

    /** A conversation whose handoff is being opened, its customer's first start_chat asked for and not answered. */
    void firstChatStarting(String conversationId, String customerId) {
        conversations.createIfAbsent(conversationId);
        assertThat(conversations.tryLease(conversationId, 60_000)).isTrue();
        accounts.saveCustomer(conversationId, "livechat", customerId);
        accounts.markChatStart(conversationId, "livechat");
    }

    static JsonNode users(String... ids) {
        return JSON.valueToTree(List.of(ids));
    }

    @Test
    void theFirstChatOfACustomerWhoseHandoffIsStartingIsToBeDeliveredAgain() {
        firstChatStarting("shop:ann", "cust-ann");
        assertThatThrownBy(() -> webhooks.toOperatorEvent("user_added_to_chat", AGENT_JOINED, users("anna@example.com", "cust-ann")))
                .isInstanceOfSatisfying(WebhookTooEarlyException.class, e -> assertThat(e.conversationId()).isEqualTo("shop:ann"));
    }

    @Test
    void anotherCustomersChatOrAWebhookWithoutTheChatsUsersIsIgnored() {
        firstChatStarting("shop:ann", "cust-ann");
        assertThat(webhooks.toOperatorEvent("user_added_to_chat", AGENT_JOINED, users("anna@example.com", "cust-bob"))).isEmpty();
        assertThat(webhooks.toOperatorEvent("user_added_to_chat", AGENT_JOINED, JSON.missingNode())).isEmpty();
    }

    @Test
    void aStartAnsweredJustAfterTheFirstLookIsFoundByTheSecond() {
        JdbcTemplate jdbc = MigratedDatabase.inMemory("unknown-chat-meanwhile");
        conversations = new ConversationStore(jdbc, Clock.systemUTC());
        accounts = new ProviderAccounts(jdbc) {
            boolean looked;

            @Override
            public java.util.Optional<String> conversationOfChat(String provider, String chatId) {
                java.util.Optional<String> found = super.conversationOfChat(provider, chatId);
                if (!looked) { // start_chat's answer is stored right after the webhook's first look
                    looked = true;
                    saveChat("shop:ann", "livechat", "NEW1");
                }
                return found;
            }
        };
        webhooks = new LiveChatWebhooks(properties(), accounts, conversations, JSON);
        firstChatStarting("shop:ann", "cust-ann");

        assertThat(webhooks.toOperatorEvent("user_added_to_chat", AGENT_JOINED, users("anna@example.com", "cust-ann")))
                .hasValueSatisfying(event -> {
                    assertThat(event.conversationId()).isEqualTo("shop:ann");
                    assertThat(event.kind()).isEqualTo(io.handoff.gateway.conversation.OperatorEvent.Kind.JOINED);
                });
    }

    @Test
    void aCustomerWhoseStartEndedOrWasAnsweredIsNotWaitedFor() {
        firstChatStarting("shop:ann", "cust-ann");
        conversations.releaseLease("shop:ann"); // the switch failed (its start's answer was lost): no handoff starting
        assertThat(webhooks.toOperatorEvent("user_added_to_chat", AGENT_JOINED, users("cust-ann"))).isEmpty();

        firstChatStarting("shop:bob", "cust-bob");
        accounts.saveChat("shop:bob", "livechat", "OLD9"); // answered: its chat is known, this one is not it
        assertThat(webhooks.toOperatorEvent("user_added_to_chat", AGENT_JOINED, users("cust-bob"))).isEmpty();
    }
}
