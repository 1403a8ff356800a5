package io.handoff.gateway.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.annotation.PreDestroy;

/**
 * Delivers the simulators' webhooks the way the platforms do: after the call that caused them has been
 * answered (so a simulator never waits on the gateway while the gateway waits on it), one platform's
 * webhooks in the order they happened, and retried a few times when the receiver is down or failing.
 */
@Component
@Profile("sandbox")
public class SandboxWebhookSender {

    private static final Logger log = LoggerFactory.getLogger(SandboxWebhookSender.class);
    private static final int ATTEMPTS = 3;
    private static final Duration RETRY_AFTER = Duration.ofMillis(500);

    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();

    public SandboxWebhookSender(ObjectMapper json) {
        this.json = json;
    }

    /** Queues a POST of {@code body} to {@code url} behind the platform's earlier webhooks. */
    public void send(String platform, String url, JsonNode body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        lanes.computeIfAbsent(platform, SandboxWebhookSender::lane).execute(() -> deliver(platform, url, bytes));
    }

    private void deliver(String platform, String url, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            String outcome;
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status < 500 && status != 429) {
                    if (status >= 300) {
                        // a refusal is final, as on the platforms: 401 wrong secret, 404 no such route yet
                        log.warn("sandbox {} webhook to {} answered {}", platform, url, status);
                    }
                    return;
                }
                outcome = "HTTP " + status;
            } catch (IOException e) {
                outcome = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            log.warn("sandbox {} webhook to {} failed ({}), attempt {} of {}", platform, url, outcome, attempt, ATTEMPTS);
            if (!pause()) {
                return;
            }
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(RETRY_AFTER.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static ExecutorService lane(String platform) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sandbox-" + platform + "-webhooks");
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        lanes.values().forEach(ExecutorService::shutdownNow);
    }
}
