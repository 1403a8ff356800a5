package io.handoff.gateway.dialogflow;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.auth.Retryable;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.OAuth2Credentials;
import com.google.auth.oauth2.ServiceAccountCredentials;

import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;

/**
 * OAuth2 access tokens for the Dialogflow API, per agent, through Google's own library:
 * <ul>
 * <li>with {@code credentials} set, the service-account key ({@link ServiceAccountCredentials}), scoped to
 * {@value DialogflowEndpoints#SCOPE}: the library signs an RS256 JWT ({@code iss} = the key's client_email, {@code aud}
 * = its {@code token_uri}, {@code exp} = 1 h) and exchanges it at {@code token_uri} (the JWT-bearer grant). Keys are read
 * and checked at start-up (no network), so a broken key stops the gateway with a clear message;</li>
 * <li>without, Application Default Credentials ({@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's file, the metadata
 * server), looked up on first use, since the lookup may probe the network; a failed lookup is tried again next time.</li>
 * </ul>
 * Tokens are cached by the library and renewed {@link #RENEW_BEFORE} before they expire, by the caller that finds
 * them due; should that renewal fail, the cached token is used until {@link #EXPIRED_BEFORE} before its expiry, and
 * only then does the failure reach the caller. The library's own retries of the token call (about 7 s of backoff) are
 * off: a failure comes back at once, marked {@link DialogflowException#retryable() retryable} when it is, and the
 * caller's retry policy, which knows the request's deadline, decides. Nothing of a key or token is logged or put in a message; failures are
 * {@link DialogflowCredentialsException}s.
 */
@Component
public class DialogflowCredentials {

    /** A token with less than this left is renewed (by the caller, synchronously). */
    public static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
    /** A token with less than this left is never handed out: a detectIntent call must not outlive its token. */
    public static final Duration EXPIRED_BEFORE = Duration.ofMinutes(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How Application Default Credentials are found; a seam for tests. */
    @FunctionalInterface
    interface DefaultCredentialsLoader {
        GoogleCredentials load() throws IOException;
    }

    private final Map<String, Agent> agents;
    private final DefaultCredentialsLoader defaultCredentials;
    private final Map<String, GoogleCredentials> byAgent = new ConcurrentHashMap<>();

    @Autowired
    public DialogflowCredentials(DialogflowProperties properties) {
        this(properties, GoogleCredentials::getApplicationDefault);
    }

    DialogflowCredentials(DialogflowProperties properties, DefaultCredentialsLoader defaultCredentials) {
        this.agents = new LinkedHashMap<>(properties.agents());
        this.defaultCredentials = defaultCredentials;
        agents.forEach((name, agent) -> {
            if (agent.hasCredentials()) {
                byAgent.put(name, withMargins(serviceAccount(name, agent.credentials())));
            }
        });
    }

    /**
     * A current access token for the agent's calls ({@code Authorization: Bearer <token>}); cached, renewed when due.
     *
     * @throws DialogflowCredentialsException when none can be had; {@link DialogflowException#retryable()} tells
     *                                        whether trying again later may help
     * @throws IllegalArgumentException       for an agent that is not configured
     */
    public String accessToken(String agent) {
        GoogleCredentials credentials = credentials(agent);
        try {
            credentials.refreshIfExpired();
        } catch (IOException | RuntimeException e) {
            throw failure(agent, credentials, e);
        }
        return token(agent, credentials);
    }

    /**
     * A new access token even though the cached one has not expired: for a call Dialogflow refused with 401 (a token
     * revoked or a clock skewed); one renewal, then the call once more, is enough.
     */
    public String renewAccessToken(String agent) {
        GoogleCredentials credentials = credentials(agent);
        try {
            credentials.refresh();
        } catch (IOException | RuntimeException e) {
            throw failure(agent, credentials, e);
        }
        return token(agent, credentials);
    }

    private GoogleCredentials credentials(String agent) {
        if (!agents.containsKey(agent)) {
            throw new IllegalArgumentException("no Dialogflow agent '" + agent + "' is configured");
        }
        return byAgent.computeIfAbsent(agent, this::applicationDefault);
    }

    private GoogleCredentials applicationDefault(String agent) {
        GoogleCredentials found;
        try {
            found = defaultCredentials.load().createWithCustomRetryStrategy(false);
        } catch (IOException | RuntimeException e) {
            throw new DialogflowCredentialsException("Dialogflow agent '" + agent + "' has no credentials configured "
                    + "and Application Default Credentials are not available (" + e.getClass().getSimpleName()
                    + "); set handoff.dialogflow.agents." + agent + ".credentials to a service-account key", false);
        }
        return withMargins(found.createScopedRequired() ? found.createScoped(List.of(DialogflowEndpoints.SCOPE)) : found);
    }

    private static GoogleCredentials serviceAccount(String agent, Resource key) {
        try (InputStream in = key.getInputStream()) {
            return ServiceAccountCredentials.fromStream(in).createWithCustomRetryStrategy(false)
                    .createScoped(List.of(DialogflowEndpoints.SCOPE));
        } catch (IOException | RuntimeException e) {
            // the library's message may quote the file; ours names only the resource
            throw new DialogflowCredentialsException("handoff.dialogflow.agents." + agent + ".credentials: "
                    + key.getDescription() + " is not a usable service-account key (a JSON key file of type "
                    + "service_account with client_email, private_key, private_key_id and token_uri is expected; "
                    + e.getClass().getSimpleName() + ")", false);
        }
    }

    private static GoogleCredentials withMargins(GoogleCredentials credentials) {
        GoogleCredentials.Builder builder = credentials.toBuilder();
        builder.setRefreshMargin(RENEW_BEFORE);
        builder.setExpirationMargin(EXPIRED_BEFORE);
        return builder.build();
    }

    private static String token(String agent, OAuth2Credentials credentials) {
        AccessToken token = credentials.getAccessToken();
        if (token == null || token.getTokenValue() == null || token.getTokenValue().isEmpty()) {
            throw new DialogflowCredentialsException("Dialogflow agent '" + agent + "': the token endpoint gave no "
                    + "access token", true);
        }
        return token.getTokenValue();
    }

    private static DialogflowCredentialsException failure(String agent, GoogleCredentials credentials, Exception e) {
        String endpoint = credentials instanceof ServiceAccountCredentials account
                ? " at " + hostOf(account.getTokenServerUri()) : "";
        String prefix = "Dialogflow agent '" + agent + "': no access token" + endpoint + ": ";
        HttpResponseException answer = answerOf(e);
        if (answer != null) {
            int status = answer.getStatusCode();
            boolean retryable = status == 429 || status >= 500
                    || e instanceof Retryable auth && auth.isRetryable();
            return new DialogflowCredentialsException(prefix + "the token endpoint answered " + status
                    + oauthError(answer.getContent()), retryable);
        }
        if (e instanceof IOException) {
            return new DialogflowCredentialsException(prefix + "the token endpoint could not be reached ("
                    + rootCause(e).getClass().getSimpleName() + ")", true);
        }
        return new DialogflowCredentialsException(prefix + e.getClass().getSimpleName(), false);
    }

    private static HttpResponseException answerOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException answer) {
                return answer;
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** {@code " invalid_grant (Invalid JWT Signature.)"} from an OAuth2 error body; nothing else of it. */
    private static String oauthError(String body) {
        try {
            JsonNode error = body == null ? null : JSON.readTree(body);
            if (error != null && error.path("error").isTextual()) {
                String description = error.path("error_description").asText("");
                return " " + clip(error.get("error").asText())
                        + (description.isEmpty() ? "" : " (" + clip(description) + ")");
            }
        } catch (IOException notJson) {
            // fall through
        }
        return "";
    }

    private static String clip(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static String hostOf(URI uri) {
        return uri == null ? "?" : uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    }

    @Override
    public String toString() {
        return "DialogflowCredentials" + agents.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue().hasCredentials() ? "service-account key" : "ADC"))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
