package io.handoff.gateway.web;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.handoff.gateway.HandoffProperties;

/**
 * The bot API's optional per-key rate limit ({@code handoff.api.rate-limit}): at most {@code limit} calls
 * per {@code period} for each key; past it {@code 429} problem+json with {@code Retry-After}. Off when
 * {@code limit} is 0 (the default). Each key has its own budget, so one noisy bot cannot starve another.
 */
class ApiRateLimit extends OncePerRequestFilter {

    private final RateLimiterRegistry limiters;
    private final boolean enabled;
    private final long retryAfterSeconds;

    ApiRateLimit(HandoffProperties.RateLimit settings) {
        this.enabled = settings.limit() > 0;
        this.limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, settings.limit()))
                .limitRefreshPeriod(settings.period())
                .timeoutDuration(Duration.ZERO) // never park a request thread waiting for a permit
                .build());
        this.retryAfterSeconds = Math.max(1, (settings.period().toMillis() + 999) / 1000);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !enabled;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        if (caller instanceof ApiKeyAuthentication key) {
            RateLimiter limiter = limiters.rateLimiter((String) key.getPrincipal());
            if (!limiter.acquirePermission()) {
                response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
                ProblemJson.write(response, 429, "too-many-requests", "Too many requests",
                        "This key made more than handoff.api.rate-limit.limit calls in one period; "
                                + "retry after " + retryAfterSeconds + " s");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
