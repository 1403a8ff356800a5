package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import javax.crypto.SecretKey;

import org.junit.jupiter.api.Test;

/** The sealing of shared customer tokens: the database holds nothing usable without the configuration's secrets. */
class SharedCustomerTokensSealTest {

    static final String PURPOSE = "handoff-gateway livechat customer token";
    final SecretKey key = SharedCustomerTokens.key(PURPOSE, "client", "dal:agent-token", null, null);

    @Test
    void aSealedTokenOpensWithTheSameCredentialsOnly() {
        String sealed = SharedCustomerTokens.seal("dal:customer-token-1", key);

        assertThat(sealed).doesNotContain("customer-token");
        assertThat(SharedCustomerTokens.open(sealed, SharedCustomerTokens.key(PURPOSE, "client", "dal:agent-token", null, null)))
                .contains("dal:customer-token-1");
        // rotated credentials: the stored token does not open, and a fresh one is granted
        assertThat(SharedCustomerTokens.open(sealed, SharedCustomerTokens.key(PURPOSE, "client", "dal:agent-token-2", null, null)))
                .isEmpty();
        // the same secrets in other fields are another key
        assertThat(SharedCustomerTokens.open(sealed, SharedCustomerTokens.key(PURPOSE, "client", null, "dal:agent-token", null)))
                .isEmpty();
    }

    @Test
    void eachSealingDiffersAndADamagedOneDoesNotOpen() {
        String first = SharedCustomerTokens.seal("dal:customer-token-1", key);
        String second = SharedCustomerTokens.seal("dal:customer-token-1", key);
        assertThat(first).isNotEqualTo(second); // a fresh nonce each time

        char[] damaged = first.toCharArray();
        damaged[20] = damaged[20] == 'A' ? 'B' : 'A';
        assertThat(SharedCustomerTokens.open(new String(damaged), key)).isEmpty();
        assertThat(SharedCustomerTokens.open("not base64 !", key)).isEmpty();
        assertThat(SharedCustomerTokens.open("", key)).isEmpty();
    }
}
