package io.handoff.gateway.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.sandbox.platform.Refusal;

/**
 * A Dialogflow simulator for the sandbox: Google's token endpoint (the JWT-bearer grant, its RS256 assertion verified
 * with the public half of the key written at start-up) and detectIntent of both editions (CX v3, ES v2), with Google's
 * checks (a valid token, a session id of at most 36 characters of {@code [A-Za-z0-9_-]}, text of at most 256
 * characters) and Google's error JSON. Every agent it serves speaks the small script of the sandbox's agent
 * {@code demo}: a greeting, "operator / agent / human / person" hands off to {@code support}, the events
 * {@code handoff_ended} and {@code no_operators_online}, and a fallback that says how to reach a person.
 */
@Component
@Profile("sandbox")
public class SandboxDialogflow {

    static final String KEY_PROPERTY_SOURCE = "sandboxDialogflowKey";
    static final String KEY_PROPERTY = "handoff.sandbox.dialogflow-key";
    static final String TOKEN_PATH = "/sandbox/dialogflow/token";
    static final String CLIENT_EMAIL = "sandbox-gateway@sandbox-project.iam.gserviceaccount.com";
    static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
    static final String SCOPE = "https://www.googleapis.com/auth/dialogflow";
    static final int MAX_TEXT = 256;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CX = Pattern.compile(
            "/v3/projects/[^/]+/locations/[^/]+/agents/[^/]+(?:/environments/[^/]+)?/sessions/([^/:]+):detectIntent");
    private static final Pattern ES = Pattern.compile(
            "/v2/projects/[^/]+(?:/locations/[^/]+)?/agent(?:/environments/[^/]+/users/[^/]+)?/sessions/([^/:]+):detectIntent");
    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{1,36}");
    private static final Set<String> OPERATOR_WORDS = Set.of("operator", "agent", "human", "person");
    private static final Set<String> GREETINGS = Set.of("hi", "hello", "hey", "hallo");

    private final PublicKey publicKey;
    private final String tokenUri;
    private final Clock clock;
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();

    public SandboxDialogflow(@Value("${" + KEY_PROPERTY + "}") String key,
                             @Value("${handoff.sandbox.gateway-url}") String gatewayUrl, Clock clock) {
        this.publicKey = publicKeyOf(key);
        this.tokenUri = gatewayUrl + TOKEN_PATH;
        this.clock = clock;
    }

    /**
     * Writes a new service-account key (as Google issues them) to a temporary file and returns it as a Spring resource
     * ({@code file:...}). The key is the sandbox's own: it opens nothing but this simulator.
     */
    static String writeKey(String tokenUri) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
            ObjectNode key = JSON.createObjectNode()
                    .put("type", "service_account")
                    .put("project_id", "sandbox-project")
                    .put("private_key_id", UUID.randomUUID().toString().replace("-", ""))
                    .put("private_key", pem)
                    .put("client_email", CLIENT_EMAIL)
                    .put("client_id", "100000000000000000001")
                    .put("token_uri", tokenUri);
            Path file = Files.createTempFile("handoff-sandbox-dialogflow-", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, key.toString());
            return "file:" + file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox's Dialogflow key could not be written", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PublicKey publicKeyOf(String resource) {
        try {
            String json = new String(new DefaultResourceLoader().getResource(resource).getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            String pem = JSON.readTree(json).path("private_key").asText()
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            return rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- token endpoint

    /** {@code POST /sandbox/dialogflow/token}, form {@code grant_type=jwt-bearer&assertion=...}. */
    public JsonNode token(String grantType, String assertion) {
        Map<String, String> fields = new HashMap<>();
        fields.put("grant_type", grantType == null ? "" : grantType);
        fields.put("assertion", assertion == null ? "" : assertion);
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(fields.get("grant_type"))) {
            throw oauth("unsupported_grant_type", "Invalid grant_type");
        }
        verify(fields.getOrDefault("assertion", ""));
        String token = "ya29.sandbox-" + UUID.randomUUID();
        tokens.put(token, clock.millis() + 3_599_000L);
        return JSON.createObjectNode().put("access_token", token).put("expires_in", 3599).put("token_type", "Bearer");
    }

    private void verify(String assertion) {
        String[] parts = assertion.split("\\.");
        if (parts.length != 3) {
            throw oauth("invalid_grant", "Invalid JWT: not a JWS");
        }
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(publicKey);
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!"RS256".equals(header.path("alg").asText()) || !rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw oauth("invalid_grant", "Invalid JWT Signature.");
            }
            long now = clock.millis() / 1000;
            String audience = claims.path("aud").asText();
            if (!CLIENT_EMAIL.equals(claims.path("iss").asText())
                    || !(GOOGLE_TOKEN_URI.equals(audience) || tokenUri.equals(audience))
                    || !claims.path("scope").asText().contains(SCOPE)
                    || claims.path("exp").asLong() < now || claims.path("iat").asLong() > now + 60) {
                throw oauth("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe");
            }
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            throw oauth("invalid_grant", "Invalid JWT");
        }
    }

    private static Refusal oauth(String error, String description) {
        return new Refusal(400, JSON.createObjectNode().put("error", error).put("error_description", description));
    }

    // ---------------------------------------------------------------- detectIntent

    /** {@code POST /sandbox/dialogflow/v3|v2/...:detectIntent}. */
    public JsonNode detectIntent(String path, String authorization, String body) {
        Long expires = authorization == null || !authorization.startsWith("Bearer ") ? null
                : tokens.get(authorization.substring("Bearer ".length()));
        if (expires == null || expires < clock.millis()) {
            throw google(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
        }
        Matcher cx = CX.matcher(path);
        Matcher es = ES.matcher(path);
        boolean isCx = cx.matches();
        if (!isCx && !es.matches()) {
            throw google(404, "NOT_FOUND", "No such resource: " + path);
        }
        if (!SESSION.matcher(isCx ? cx.group(1) : es.group(1)).matches()) {
            throw google(400, "INVALID_ARGUMENT", "Session id must be at most 36 characters of [A-Za-z0-9_-]");
        }
        JsonNode request;
        try {
            request = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw google(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        }
        JsonNode input = request.path("queryInput");
        String text = input.path("text").path("text").asText(null);
        String event = isCx ? input.path("event").path("event").asText(null) : input.path("event").path("name").asText(null);
        if (text != null && text.length() > MAX_TEXT) {
            throw google(400, "INVALID_ARGUMENT", "Input text exceeds the 256 characters limit.");
        }
        if (text == null && event == null) {
            throw google(400, "INVALID_ARGUMENT", "queryInput needs text or event");
        }
        return isCx ? cxAnswer(text, event) : esAnswer(text, event);
    }

    /** The demo agent's script: what it says, and whether it hands off. */
    record Turn(String say, boolean handoff) {
    }

    static Turn script(String text, String event) {
        if (event != null) {
            return switch (event) {
                case "handoff_ended" -> new Turn("Welcome back! I'm the bot again. Is there anything else I can do for you?", false);
                case "no_operators_online" -> new Turn("Nobody is online right now. Please try again later, or ask me.", false);
                default -> new Turn(null, false);
            };
        }
        String said = text.toLowerCase(Locale.ROOT);
        Set<String> words = Set.of(said.split("[^\\p{L}\\p{N}]+"));
        if (words.stream().anyMatch(OPERATOR_WORDS::contains)) {
            return new Turn("Connecting you to a person…", true);
        }
        if (words.stream().anyMatch(GREETINGS::contains)) {
            return new Turn("Hello! I'm the demo bot. Ask me anything, or type \"operator\" to talk to a person.", false);
        }
        return new Turn("Sorry, I'm only a demo and didn't get that. Type \"operator\" to reach a person.", false);
    }

    private static JsonNode cxAnswer(String text, String event) {
        Turn turn = script(text, event);
        ObjectNode result = JSON.createObjectNode().put("languageCode", "en");
        if (text != null) {
            result.put("text", text);
        }
        ArrayNode messages = result.putArray("responseMessages");
        if (turn.say() != null) {
            messages.addObject().putObject("text").putArray("text").add(turn.say());
        }
        if (turn.handoff()) {
            messages.addObject().putObject("liveAgentHandoff").putObject("metadata").put("destination", "support");
        }
        ObjectNode answer = JSON.createObjectNode().put("responseId", UUID.randomUUID().toString());
        answer.set("queryResult", result);
        return answer;
    }

    private static JsonNode esAnswer(String text, String event) {
        Turn turn = script(text, event);
        ObjectNode result = JSON.createObjectNode().put("queryText", text == null ? event : text).put("languageCode", "en");
        ArrayNode messages = result.putArray("fulfillmentMessages");
        if (turn.say() != null) {
            result.put("fulfillmentText", turn.say());
            messages.addObject().putObject("text").putArray("text").add(turn.say());
        }
        if (turn.handoff()) {
            messages.addObject().putObject("payload").putObject("handoff").put("destination", "support");
        }
        ObjectNode answer = JSON.createObjectNode().put("responseId", UUID.randomUUID().toString());
        answer.set("queryResult", result);
        return answer;
    }

    private static Refusal google(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", status).put("message", message).put("status", code);
        return new Refusal(status, body);
    }

}
