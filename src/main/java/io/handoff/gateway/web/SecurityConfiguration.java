package io.handoff.gateway.web;

import jakarta.servlet.DispatcherType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import io.handoff.gateway.HandoffProperties;

/**
 * Who may call what. Spring Security's strict firewall runs first on every request and refuses what
 * could be read two ways (`;`, encoded `/` `.` `%`, `..`, `//`, control characters): so every rule below,
 * and Spring MVC's routing after it, see one normalised, decoded path. Then:
 * <ul>
 *   <li>the bot API ({@code /api/**}) and anything not listed as public need a Bearer key of
 *       {@code handoff.api.keys} (deny by default: a route added later is closed until listed);</li>
 *   <li>the platforms' webhooks and the JAICP door are public here: they carry their own secrets,
 *       checked in their routes; so are health, metrics, the OpenAPI document and the sandbox pages;
 *       the container's error page only as the error dispatch of a request;</li>
 *   <li>every body is bounded and well-formed UTF-8 ({@link RequestGuard}), and a key may be rate
 *       limited ({@link ApiRateLimit}).</li>
 * </ul>
 * Every refusal is problem+json. No sessions, no cookies, so no CSRF to defend.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

    static final RequestMatcher PUBLIC = new OrRequestMatcher(
            path("/webhooks/**"), path("/jaicp/**"), path("/actuator/**"), path("/api-doc"), path("/api-doc/**"),
            path("/sandbox/**"), path("/"));

    @Bean
    SecurityFilterChain gatewaySecurity(HttpSecurity http, ApiKeys keys, HandoffProperties properties)
            throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            ProblemJson.write(response, 401, "unauthorized", "Unauthorized",
                    "Send Authorization: Bearer <one of handoff.api.keys>");
        };
        AccessDeniedHandler forbidden = (request, response, e) ->
                ProblemJson.write(response, 403, "forbidden", "Forbidden", "This key may not call this path");

        AuthenticationFilter bearer = new AuthenticationFilter(
                ApiKeyAuthentication.checkedAgainst(keys), ApiKeyAuthentication.bearerHeader());
        bearer.setRequestMatcher(new NegatedRequestMatcher(PUBLIC)); // the platforms' own headers are theirs
        bearer.setSuccessHandler((request, response, authentication) -> { }); // go on with the request
        bearer.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthorized));

        return http
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                // nothing reads the caller through the servlet API (getUserPrincipal, isUserInRole): no request wrapper
                .servletApi(AbstractHttpConfigurer::disable)
                .addFilterAt(bearer, BasicAuthenticationFilter.class)
                .authorizeHttpRequests(rules -> rules
                        // the error page of a request already let through (or refused) by the rules below
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(PUBLIC).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .addFilterAfter(new ApiRateLimit(properties.api().rateLimit()), AuthorizationFilter.class)
                .addFilterAfter(new RequestGuard(properties.api()), ApiRateLimit.class)
                .build();
    }

    /**
     * No Micrometer observation around each security filter: measured with JFR under bench/run, the
     * observations cost more CPU than the filters themselves; the request is still timed as a whole
     * (http.server.requests) and the gateway's refusals are counted by their problem type.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's strict firewall, stated here so nobody loosens it by accident. Its rule for header
     * names and values (assigned characters, no control characters but a tab in values) is kept as it is, but
     * checked by {@link #assignedAndNotControl} instead of the default regular expression: the firewall
     * checks every header again on every read, and under bench/run that regex was the firewall's whole cost.
     */
    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(name -> assignedAndNotControl(name, false));
        firewall.setAllowedHeaderValues(value -> assignedAndNotControl(value, true));
        return firewall;
    }

    /**
     * The firewall's default header patterns without a regex: names {@code [\p{IsAssigned}&&[^\p{IsControl}]]*},
     * values the same but for a tab ({@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}).
     */
    static boolean assignedAndNotControl(String text, boolean tabAllowed) {
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tabAllowed && codePoint == '\t'))) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    /** A request the firewall refuses gets 400 problem+json (Spring Security's default is an empty 400). */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, e) -> ProblemJson.write(response, 400, "invalid-request", "Invalid request",
                "The request's path or headers are not allowed: write the path plainly, without ';', "
                        + "encoded '/', '.' or '%', '..', '//' or control characters");
    }

    private static RequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }
}
