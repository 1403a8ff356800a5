package io.handoff.gateway.conversation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * Customer tokens shared by the instances on one database, so a conversation's token is granted once per
 * lifetime across them, not once per instance. Sealed with AES-GCM under a key the provider derives from
 * its own credentials ({@link #key}): the database holds no usable token, and a row sealed under other
 * credentials (rotated) simply does not open, which means "grant a new one". One instance at a time grants
 * ({@link #claimGrant}, a conditional write): the others wait for its token.
 */
@Repository
public class SharedCustomerTokens {

    /** A token and the moment it stops being used. */
    public record Token(String value, long renewAtMillis) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public SharedCustomerTokens(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** An AES-256 key from secrets of the configuration (domain-separated by {@code purpose}). */
    public static SecretKey key(String purpose, String... secrets) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(purpose.getBytes(StandardCharsets.UTF_8));
            for (String secret : secrets) {
                sha256.update((byte) 0);
                sha256.update(String.valueOf(secret).getBytes(StandardCharsets.UTF_8));
            }
            return new SecretKeySpec(sha256.digest(), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The conversation's token when one is stored, still fresh, and opens with {@code key}. */
    public Optional<Token> find(String conversationId, String provider, SecretKey key) {
        return jdbc.query("select sealed_token, renew_at from customer_token where conversation_id = ? and provider = ? "
                        + "and sealed_token is not null and renew_at > ?",
                        (rs, i) -> {
                            long renewAt = rs.getLong(2);
                            return open(rs.getString(1), key).map(value -> new Token(value, renewAt));
                        },
                        conversationId, provider, clock.millis())
                .stream().flatMap(Optional::stream).findFirst();
    }

    /**
     * Takes the right to grant the conversation's token for {@code leaseMillis}; false when another instance
     * is granting one now (its lease not over). The row's key and a conditional update decide.
     */
    public boolean claimGrant(String conversationId, String provider, String owner, long leaseMillis) {
        long now = clock.millis();
        if (jdbc.update("update customer_token set grant_owner = ?, grant_until = ? where conversation_id = ? "
                + "and provider = ? and grant_until < ?", owner, now + leaseMillis, conversationId, provider, now) == 1) {
            return true;
        }
        try {
            return jdbc.update("insert into customer_token (conversation_id, provider, grant_owner, grant_until) "
                    + "values (?, ?, ?, ?)", conversationId, provider, owner, now + leaseMillis) == 1;
        } catch (DuplicateKeyException granting) {
            return false; // the row exists: another instance's grant lease runs
        }
    }

    /** Keeps a granted token for the other instances and ends the grant lease. */
    public void save(String conversationId, String provider, Token token, SecretKey key) {
        String sealed = seal(token.value(), key);
        if (jdbc.update("update customer_token set sealed_token = ?, renew_at = ?, grant_owner = null, grant_until = 0 "
                + "where conversation_id = ? and provider = ?", sealed, token.renewAtMillis(), conversationId, provider) == 0) {
            try {
                jdbc.update("insert into customer_token (conversation_id, provider, sealed_token, renew_at) values (?, ?, ?, ?)",
                        conversationId, provider, sealed, token.renewAtMillis());
            } catch (DuplicateKeyException raced) {
                save(conversationId, provider, token, key);
            }
        }
    }

    /** Forgets the conversation's token (the provider refused it). */
    public void forget(String conversationId, String provider) {
        jdbc.update("delete from customer_token where conversation_id = ? and provider = ?", conversationId, provider);
    }

    /** Forgets every token of the provider; returns how many there were. */
    public int forgetAll(String provider) {
        return jdbc.update("delete from customer_token where provider = ?", provider);
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT10M")
    public void forgetStale() {
        long now = clock.millis();
        jdbc.update("delete from customer_token where renew_at <= ? and grant_until < ?", now, now);
    }

    static String seal(String token, SecretKey key) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a token", e);
        }
    }

    /** The token, or empty when it was sealed under another key (credentials rotated) or is damaged. */
    static Optional<String> open(String sealed, SecretKey key) {
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, bytes, 0, NONCE_BYTES));
            return Optional.of(new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
