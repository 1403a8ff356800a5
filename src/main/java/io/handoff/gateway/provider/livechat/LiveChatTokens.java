package io.handoff.gateway.provider.livechat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.SecretKey;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.InstanceId;
import io.handoff.gateway.conversation.ProviderAccounts;
import io.handoff.gateway.conversation.SharedCustomerTokens;
import io.handoff.gateway.provider.ProviderException;
import io.handoff.gateway.provider.TokenCache;

/**
 * LiveChat credentials for the enrichment routes: the agent token (static, or refreshed from the
 * refresh token), one customer token per conversation (agent_token grant; the first grant creates the
 * LiveChat customer, whose entity_id is stored so a returning client stays the same customer), and the
 * organization id, learned once. Tokens are renewed shortly before they expire. The agent token lives in
 * memory; customer tokens in memory and, sealed, in the database ({@link SharedCustomerTokens}), so the
 * instances sharing it grant each conversation's token once per lifetime, not once each.
 */
@Component("livechatTokens")
public class LiveChatTokens implements TokenCache {

    public static final String PROVIDER = LiveChatProvider.NAME;
    /** LiveChat's own exchange property: the conversation whose customer the calls are made as (set by the LiveChat flow routes). */
    static final String CONVERSATION_PROPERTY = "livechatConversationId";
    private static final Logger log = LoggerFactory.getLogger(LiveChatTokens.class);
    /** How long one instance may take to grant a conversation's token while the others wait for it. */
    static final long GRANT_LEASE_MILLIS = 10_000;

    /** A bearer token and the moment it stops being used. */
    record Token(String value, long renewAtMillis) {
    }

    private final LiveChatProperties config;
    private final ProviderAccounts accounts;
    private final Clock clock;
    private final SharedCustomerTokens shared;
    private final String instance;
    private final SecretKey sealingKey;
    private final Map<String, Token> customerTokens = new ConcurrentHashMap<>();
    private volatile Token agentToken;
    private volatile String organizationId;

    final AtomicLong cacheHits = new AtomicLong();
    final AtomicLong customerGrants = new AtomicLong();
    final AtomicLong agentRefreshes = new AtomicLong();
    final AtomicLong authenticationFailures = new AtomicLong();

    public LiveChatTokens(LiveChatProperties properties, ProviderAccounts accounts, Clock clock,
                          SharedCustomerTokens shared, InstanceId instance) {
        this.config = properties;
        this.accounts = accounts;
        this.clock = clock;
        this.shared = shared;
        this.instance = instance.value();
        // the credentials the grant itself needs: whoever can read them can grant tokens anyway
        this.sealingKey = SharedCustomerTokens.key("handoff-gateway livechat customer token", config.clientId(),
                config.agentToken(), config.refreshToken(), config.clientSecret());
        this.organizationId = blankToNull(config.organizationId());
    }

    // ---- agent token

    /** The static or still-fresh agent token, or null when it must be refreshed. */
    public String cachedAgentToken() {
        if (blankToNull(config.agentToken()) != null) {
            return config.agentToken();
        }
        if (blankToNull(config.refreshToken()) == null || blankToNull(config.clientSecret()) == null) {
            throw ProviderException.notConfigured("LiveChat", "LiveChat credentials are not configured: set handoff.livechat.agent-token, or "
                            + "handoff.livechat.refresh-token and handoff.livechat.client-secret");
        }
        Token token = agentToken;
        return token != null && clock.millis() < token.renewAtMillis() ? token.value() : null;
    }

    /** Form body of {@code POST /v2/token} with {@code grant_type=refresh_token}. */
    public String refreshRequest() {
        return form(Map.of("grant_type", "refresh_token", "refresh_token", config.refreshToken(),
                "client_id", clientId(), "client_secret", config.clientSecret()));
    }

    /** Caches the refreshed agent token; returns it. */
    public String agentTokenRefreshed(Map<String, Object> body) {
        String token = requireText(body, "access_token");
        agentToken = new Token(token, renewAt(body));
        agentRefreshes.incrementAndGet();
        learnOrganizationId(body);
        log.info("LiveChat agent token refreshed");
        return token;
    }

    // ---- customer token

    /**
     * The conversation's customer token when fresh here or in the database (granted by another instance),
     * else null: this instance grants it. While another instance is granting it, waits for that one (at
     * most {@link #GRANT_LEASE_MILLIS}, then grants itself).
     */
    public String cachedCustomerToken(String conversationId) {
        Token token = customerTokens.get(conversationId);
        if (token != null && clock.millis() < token.renewAtMillis()) {
            cacheHits.incrementAndGet();
            return token.value();
        }
        if (organizationId == null) {
            return null; // a grant's answer also tells the organization id, which every call needs: grant until it is known
        }
        String found = sharedToken(conversationId);
        if (found != null || shared.claimGrant(conversationId, PROVIDER, instance, GRANT_LEASE_MILLIS)) {
            return found;
        }
        long deadline = System.nanoTime() + GRANT_LEASE_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(100); // rare (two instances need one new token at once): a look at the table now and then
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            found = sharedToken(conversationId);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private String sharedToken(String conversationId) {
        return shared.find(conversationId, PROVIDER, sealingKey).map(token -> {
            customerTokens.put(conversationId, new Token(token.value(), token.renewAtMillis()));
            cacheHits.incrementAndGet();
            return token.value();
        }).orElse(null);
    }

    /** JSON body of the agent_token grant; a known customer is named by its entity_id. */
    public Map<String, Object> customerGrantRequest(String conversationId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("grant_type", "agent_token");
        body.put("client_id", clientId());
        body.put("response_type", "token");
        accounts.find(conversationId, PROVIDER)
                .map(ProviderAccounts.Account::customerId)
                .ifPresent(entityId -> body.put("entity_id", entityId));
        return body;
    }

    /** Caches the granted customer token and keeps the customer's entity_id; returns the token. */
    public String customerGranted(String conversationId, Map<String, Object> body) {
        String token = requireText(body, "access_token");
        String entityId = requireText(body, "entity_id");
        Token granted = new Token(token, renewAt(body));
        customerTokens.put(conversationId, granted);
        customerGrants.incrementAndGet();
        try {
            shared.save(conversationId, PROVIDER, new SharedCustomerTokens.Token(token, granted.renewAtMillis()), sealingKey);
        } catch (RuntimeException e) {
            // this instance has the token: only the others may grant one of their own
            log.warn("conversation={} LiveChat customer token not shared: {}", conversationId, e.toString());
        }
        accounts.saveCustomer(conversationId, PROVIDER, entityId);
        learnOrganizationId(body);
        log.info("conversation={} LiveChat customer token granted", conversationId);
        return token;
    }

    /** Drops what LiveChat refused, so the retried call obtains fresh tokens (see livechat-reauth in error-handling.yaml). */
    public void dropTokens(Exchange exchange) {
        authenticationFailures.incrementAndGet();
        String conversationId = exchange.getProperty(CONVERSATION_PROPERTY, String.class);
        if (conversationId != null) {
            customerTokens.remove(conversationId);
            shared.forget(conversationId, PROVIDER);
        }
        agentToken = null;
        exchange.removeProperty("livechatCustomerToken");
        exchange.removeProperty("livechatAgentToken");
        log.info("conversation={} LiveChat refused a token; obtaining a fresh one", conversationId);
    }

    /** Tokens of conversations that went quiet are dropped once stale, so the cache does not grow for ever. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT10M")
    public void forgetStale() {
        long now = clock.millis();
        customerTokens.values().removeIf(token -> token.renewAtMillis() <= now);
    }

    /** Forgets every cached token (an operations action). */
    @Override
    public int dropAll() {
        int dropped = customerTokens.size() + (agentToken == null ? 0 : 1);
        customerTokens.clear();
        shared.forgetAll(PROVIDER);
        agentToken = null;
        return dropped;
    }

    // ---- organization id

    /** The organization id when known (configured, or learned from a grant), else null. */
    public String knownOrganizationId() {
        return organizationId;
    }

    public String licenseId() {
        String licenseId = blankToNull(config.licenseId());
        if (licenseId == null) {
            throw ProviderException.notConfigured("LiveChat", "LiveChat organization_id is unknown: set handoff.livechat.organization-id or handoff.livechat.license-id");
        }
        return licenseId;
    }

    /** Learns the organization id from get_dynamic_configuration; returns it. */
    public String organizationFound(Map<String, Object> body) {
        learnOrganizationId(body);
        if (organizationId == null) {
            throw ProviderException.notConfigured("LiveChat", "LiveChat get_dynamic_configuration returned no organization_id");
        }
        return organizationId;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String displayName() {
        return "LiveChat";
    }

    @Override
    public long cacheHits() {
        return cacheHits.get();
    }

    @Override
    public long customerGrants() {
        return customerGrants.get();
    }

    @Override
    public long agentRefreshes() {
        return agentRefreshes.get();
    }

    @Override
    public long authenticationFailures() {
        return authenticationFailures.get();
    }

    private void learnOrganizationId(Map<String, Object> body) {
        Object id = body.get("organization_id");
        if (organizationId == null && id instanceof String s && !s.isBlank()) {
            organizationId = s;
            log.info("LiveChat organization_id learned: {}", s);
        }
    }

    private long renewAt(Map<String, Object> body) {
        long expiresIn = body.get("expires_in") instanceof Number n ? n.longValue() : 28_800L;
        return clock.millis() + expiresIn * 1000 - config.tokenRenewBefore().toMillis();
    }

    private String clientId() {
        if (blankToNull(config.clientId()) == null) {
            throw ProviderException.notConfigured("LiveChat", "handoff.livechat.client-id is not configured");
        }
        return config.clientId();
    }

    private static String requireText(Map<String, Object> body, String field) {
        if (body.get(field) instanceof String s && !s.isBlank()) {
            return s;
        }
        throw new IllegalStateException("LiveChat token response has no " + field);
    }

    private static String form(Map<String, String> fields) {
        StringBuilder form = new StringBuilder();
        fields.forEach((k, v) -> form.append(form.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return form.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
