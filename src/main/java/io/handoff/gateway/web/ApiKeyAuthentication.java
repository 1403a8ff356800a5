package io.handoff.gateway.web;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A bot authenticated by one of {@code handoff.api.keys}. The principal names the key by its position
 * ({@code api-key-0}), so logs and rate limits can tell keys apart without ever holding the key itself.
 */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final String principal;
    private String presentedKey;

    private ApiKeyAuthentication(String principal, String presentedKey, boolean authenticated) {
        super(List.of());
        this.principal = principal;
        this.presentedKey = presentedKey;
        setAuthenticated(authenticated);
    }

    @Override
    public Object getCredentials() {
        return presentedKey;
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }

    @Override
    public void eraseCredentials() {
        presentedKey = null;
    }

    /** Reads {@code Authorization: Bearer <key>}; no header at all is left to the anonymous path (401 later). */
    static AuthenticationConverter bearerHeader() {
        return (HttpServletRequest request) -> {
            String header = request.getHeader("Authorization");
            if (header == null) {
                return null;
            }
            String key = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
            return new ApiKeyAuthentication("unauthenticated", key, false);
        };
    }

    /** Accepts a presented key that is one of the configured ones. */
    static AuthenticationManager checkedAgainst(ApiKeys keys) {
        return (Authentication presented) -> keys.match((String) presented.getCredentials())
                .map(index -> (Authentication) new ApiKeyAuthentication("api-key-" + index, null, true))
                .orElseThrow(() -> new BadCredentialsException("not one of handoff.api.keys"));
    }
}
