package io.handoff.gateway.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Can the gateway reach one provider? An unauthenticated GET of each of its base URLs: any HTTP answer
 * (even 401 or 404) means reachable, a refused connection or a timeout means down. No token is asked
 * for or sent, so probing costs the provider nothing. The answer is kept for a few seconds.
 */
public class ProviderReachability implements HealthIndicator {

    private final Map<String, URI> endpoints;
    private final Duration timeout;
    private final Duration cacheFor;
    private final Clock clock;
    private final HttpClient http;
    private Health last;
    private long lastAt;

    /** {@code endpoints}: a short name (shown in the details) for each base URL, e.g. api, accounts. */
    public ProviderReachability(Map<String, URI> endpoints, Duration timeout, Duration cacheFor, Clock clock) {
        this.endpoints = new LinkedHashMap<>(endpoints);
        this.timeout = timeout;
        this.cacheFor = cacheFor;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public synchronized Health health() {
        long now = clock.millis();
        if (last == null || now - lastAt >= cacheFor.toMillis()) {
            last = probe();
            lastAt = clock.millis();
        }
        return last;
    }

    private Health probe() {
        boolean allUp = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Map.Entry<String, URI> endpoint : endpoints.entrySet()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("url", shown(endpoint.getValue()));
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(endpoint.getValue()).timeout(timeout)
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                detail.put("httpStatus", answer.statusCode());
            } catch (IOException e) {
                allUp = false;
                detail.put("error", e.getClass().getSimpleName()); // the message may echo the URL's query
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                allUp = false;
                detail.put("error", "interrupted");
            }
            details.put(endpoint.getKey(), detail);
        }
        return (allUp ? Health.up() : Health.down()).withDetails(details).build();
    }

    /** Scheme, host, port and path only: no user info or query in health answers. */
    private static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getPath() == null ? "" : uri.getPath());
    }
}
