package io.handoff.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In-process fake of Google's OAuth2 token endpoint and of Dialogflow's detectIntent, CX (v3) and ES (v2), checking
 * what Google checks (shared/reference/livetex-jaicp-dialogflow.md §3.6.2) so that a protocol mistake fails a test:
 * <ul>
 * <li>{@code POST /token}: the JWT-bearer grant ({@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer},
 * {@code assertion}), the assertion verified for real: RS256 signature against the public half of the key pair this
 * fake generated, {@code kid} (when present) = the key's private_key_id, {@code iss} = the client_email, {@code aud} =
 * Google's token URI {@value #GOOGLE_TOKEN_URI} (or this fake's own, {@link #tokenUri()}), {@code scope} containing the Dialogflow or cloud-platform scope, {@code exp} in the future and at most
 * 1 h after {@code iat}, {@code iat} not in the future (5 min of skew). Answers {@code {access_token, expires_in,
 * token_type}}, or 400 {@code {error: invalid_grant | invalid_scope | unsupported_grant_type, error_description}}.</li>
 * <li>{@code POST {api}/v3/projects/{p}/locations/{l}/agents/{a}[/environments/{e}]/sessions/{s}:detectIntent} and
 * {@code POST {api}/v2/projects/{p}[/locations/{l}]/agent[/environments/{e}/users/{u}]/sessions/{s}:detectIntent}:
 * the Bearer token (401 UNAUTHENTICATED unknown or expired), the agent and environment (404 NOT_FOUND), the session
 * id (1-36 characters of {@code A-Z a-z 0-9 _ -}), the request's shape for the edition (unknown fields, a missing or
 * doubled query input, a language code in the wrong place, the 256-character text limit, CX {@code sessionTtl} as a
 * protobuf duration of at most 1 day). Refusals are Google's {@code {"error": {code, message, status}}}.</li>
 * </ul>
 * Each agent answers from a script ({@link ScriptedAgent}): text rules, event rules and a fallback, each a list of
 * {@link Say} items rendered in the edition's response shape. A call that passes auth and validation is counted
 * ({@link #count}, {@link #detectIntentCalls}) and only then may an injected fault ({@link #failNext}) answer it.
 *
 * <p>UNVERIFIED: whether Google counts the 256 characters as UTF-16 units or code points (the fake counts UTF-16 units,
 * the stricter); whether a {@code sessionTtl} over 1 day is refused (the fake refuses it); the exact wording of
 * Google's messages.
 */
public final class FakeDialogflow extends FakePlatformServer {

    public static final String TOKEN = "token";
    public static final String DETECT_INTENT = "detectIntent";
    public static final String DIALOGFLOW_SCOPE = "https://www.googleapis.com/auth/dialogflow";
    public static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    public static final String CLIENT_EMAIL = "handoff-gateway@fake-project.iam.gserviceaccount.com";
    /**
     * The audience Google requires of every assertion ("always https://oauth2.googleapis.com/token", Google's
     * service-account guide). google-auth-library 1.57 sends exactly this whatever the key's token_uri says
     * ({@code ServiceAccountCredentials.createAssertion} uses {@code OAuth2Utils.TOKEN_SERVER_URI}); the fake also
     * accepts its own token URI, which stands for that address here.
     */
    public static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
    public static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public static final int MAX_TEXT = 256;
    static final Duration MAX_ASSERTION_LIFETIME = Duration.ofHours(1);
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Pattern CX_PATH = Pattern.compile(
            "/v3/projects/([^/]+)/locations/([^/]+)/agents/([^/]+)(?:/environments/([^/]+))?/sessions/([^/]+):detectIntent");
    private static final Pattern ES_PATH = Pattern.compile(
            "/v2/projects/([^/]+)(?:/locations/([^/]+))?/agent(?:/environments/([^/]+)/users/([^/]+))?"
                    + "/sessions/([^/]+):detectIntent");
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,36}");
    private static final Pattern PROTO_DURATION = Pattern.compile("(\\d{1,12})(\\.\\d{1,9})?s");

    private final KeyPair keyPair;
    private final String privateKeyId = "fake-key-" + UUID.randomUUID();
    private final Clock clock;
    private final AtomicLong tokenSerial = new AtomicLong();
    private Path keyFile;

    // Guarded by lock.
    private final Map<String, ScriptedAgent> agents = new LinkedHashMap<>();
    private final Map<String, Instant> tokens = new HashMap<>();
    private final List<DetectIntentCall> detectIntentCalls = new ArrayList<>();
    private final Map<String, Integer> eventFaults = new HashMap<>();
    private int eventFaultStatus;
    private Duration tokenLifetime = Duration.ofSeconds(3599);

    private FakeDialogflow(Clock clock) throws IOException {
        super("fake-dialogflow", Set.of(TOKEN, DETECT_INTENT), Duration.ofSeconds(5));
        this.clock = clock;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keyPair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        serve();
    }

    /** Starts a fake on 127.0.0.1 with an ephemeral port and a new key pair. */
    public static FakeDialogflow start() {
        return start(Clock.systemUTC());
    }

    /** As {@link #start()}, with the clock that decides token and assertion expiry. */
    public static FakeDialogflow start(Clock clock) {
        try {
            return new FakeDialogflow(clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeDialogflow", e);
        }
    }

    // ---------------------------------------------------------------- URLs, key and agents

    /** The {@code api-url} of an agent served here, e.g. {@code http://127.0.0.1:PORT}. */
    public String apiUrl() {
        return origin();
    }

    /** The {@code token_uri} of the key, where the grant is posted. */
    public String tokenUri() {
        return origin() + "/token";
    }

    /** The key pair whose private half is in the service-account key and whose public half checks assertions. */
    public KeyPair keyPair() {
        return keyPair;
    }

    public String privateKeyId() {
        return privateKeyId;
    }

    /** A service-account key as Google issues it (type, project_id, private_key_id, private_key PEM, client_email...). */
    public String serviceAccountKeyJson() {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keyPair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode key = object()
                .put("type", "service_account")
                .put("project_id", "fake-project")
                .put("private_key_id", privateKeyId)
                .put("private_key", pem)
                .put("client_email", CLIENT_EMAIL)
                .put("client_id", "100000000000000000001")
                .put("auth_uri", origin() + "/o/oauth2/auth")
                .put("token_uri", tokenUri())
                .put("universe_domain", "googleapis.com");
        return key.toString();
    }

    /** The key written to a temp file (once; deleted on {@link #close}), for the gateway's {@code credentials}. */
    public synchronized Path serviceAccountKeyFile() {
        if (keyFile == null) {
            try {
                keyFile = Files.createTempFile("fake-dialogflow-key", ".json");
                Files.writeString(keyFile, serviceAccountKeyJson());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keyFile;
    }

    /** {@code file:<key file>}: the value of {@code handoff.dialogflow.agents.<name>.credentials}. */
    public String credentialsResource() {
        return "file:" + serviceAccountKeyFile().toAbsolutePath();
    }

    /** Adds (or returns) the CX agent {@code projects/{project}/locations/{location}/agents/{agentId}}. */
    public ScriptedAgent cxAgent(String project, String location, String agentId) {
        synchronized (lock) {
            return agents.computeIfAbsent(cxKey(project, location, agentId),
                    k -> new ScriptedAgent(Edition.CX, project, location, agentId));
        }
    }

    /** Adds (or returns) the ES agent of {@code project} in {@code location} ({@code global} or a region). */
    public ScriptedAgent esAgent(String project, String location) {
        synchronized (lock) {
            return agents.computeIfAbsent(esKey(project, location),
                    k -> new ScriptedAgent(Edition.ES, project, location, null));
        }
    }

    /** How long issued tokens live ({@code expires_in}); default 3599 s as Google's. */
    public void tokenLifetime(Duration lifetime) {
        synchronized (lock) {
            tokenLifetime = lifetime;
        }
    }

    /** Every token issued so far stops working (401 UNAUTHENTICATED), as a revoked or expired one. */
    public void expireTokens() {
        synchronized (lock) {
            tokens.clear();
        }
    }

    // ---------------------------------------------------------------- fault injection

    /**
     * The next {@code times} accepted calls of {@code method} ({@link #TOKEN} or {@link #DETECT_INTENT}) answer
     * {@code httpStatus} with Google's error body (503 UNAVAILABLE, 429 RESOURCE_EXHAUSTED, 500 INTERNAL, 504
     * DEADLINE_EXCEEDED, ...) and change nothing; they still count.
     */
    public void failNext(String method, int times, int httpStatus) {
        queueFaults(method, times, method.equals(TOKEN)
                ? new ApiError(httpStatus, object().put("error", "internal_failure")
                        .put("error_description", "injected"))
                : googleError(httpStatus, "injected"));
    }

    /**
     * As {@link #failNext} for detectIntent, but only the next {@code times} calls that send the event {@code event}
     * (the offline or resume event) fail; text calls pass.
     */
    public void failNextEvent(String event, int times, int httpStatus) {
        synchronized (lock) {
            eventFaults.merge(event, times, Integer::sum);
            eventFaultStatus = httpStatus;
        }
    }

    // ---------------------------------------------------------------- inspection

    /** The accepted detectIntent calls, oldest first. */
    public List<DetectIntentCall> detectIntentCalls() {
        synchronized (lock) {
            return List.copyOf(detectIntentCalls);
        }
    }

    /** Forgets recorded calls, tokens, faults and delays; keeps the key and the agents with their scripts. */
    public void reset() {
        synchronized (lock) {
            resetServer();
            tokens.clear();
            detectIntentCalls.clear();
            eventFaults.clear();
        }
    }

    @Override
    public void close() {
        super.close();
        if (keyFile != null) {
            try {
                Files.deleteIfExists(keyFile);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }

    // ---------------------------------------------------------------- routing

    @Override
    String operationOf(Request request) {
        if (request.path().equals("/token")) {
            return TOKEN;
        }
        if (request.path().endsWith(":detectIntent")) {
            return DETECT_INTENT;
        }
        return null;
    }

    @Override
    Reply dispatch(String operation, Request request) {
        if (operation == null) {
            throw googleError(404, "The requested URL " + request.path() + " was not found on this server.");
        }
        if (!request.verb().equals("POST")) {
            throw googleError(405, "Method " + request.verb() + " not allowed");
        }
        synchronized (lock) {
            return operation.equals(TOKEN) ? token(request) : detectIntent(request);
        }
    }

    @Override
    ApiError internalError(RuntimeException bug) {
        return googleError(500, "fake failure: " + bug);
    }

    // ---------------------------------------------------------------- token endpoint

    private Reply token(Request request) {
        if (!"application/x-www-form-urlencoded".equals(mediaType(request))) {
            throw oauthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
        }
        Map<String, String> form = parseForm(new String(request.body(), StandardCharsets.UTF_8));
        if (!JWT_BEARER.equals(form.get("grant_type"))) {
            throw oauthError("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
        }
        String assertion = form.get("assertion");
        if (assertion == null || assertion.isEmpty()) {
            throw oauthError("invalid_request", "Missing required parameter: assertion");
        }
        JsonNode claims = verifiedClaims(assertion);
        accept(TOKEN, request, object().put("grant_type", form.get("grant_type")).set("claims", claims));
        String token = "ya29.fake-" + tokenSerial.incrementAndGet() + "-" + UUID.randomUUID();
        tokens.put(token, clock.instant().plus(tokenLifetime));
        return Reply.json(200, object().put("access_token", token)
                .put("expires_in", tokenLifetime.toSeconds()).put("token_type", "Bearer"));
    }

    /** The assertion's claims, once its signature and claims pass Google's checks. */
    JsonNode verifiedClaims(String assertion) {
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) {
            throw oauthError("invalid_grant", "Invalid JWT: not three base64url parts");
        }
        JsonNode header = jsonPart(parts[0]);
        JsonNode claims = jsonPart(parts[1]);
        if (!"RS256".equals(header.path("alg").asText())) {
            throw oauthError("invalid_grant", "Invalid JWT: alg must be RS256");
        }
        if (header.has("kid") && !privateKeyId.equals(header.get("kid").asText())) {
            throw oauthError("invalid_grant", "Invalid JWT Signature.");
        }
        if (!signatureValid(keyPair.getPublic(), parts)) {
            throw oauthError("invalid_grant", "Invalid JWT Signature.");
        }
        if (!CLIENT_EMAIL.equals(claims.path("iss").asText())) {
            throw oauthError("invalid_grant", "Invalid JWT: unknown issuer " + claims.path("iss").asText());
        }
        String aud = claims.path("aud").asText();
        if (!GOOGLE_TOKEN_URI.equals(aud) && !tokenUri().equals(aud)) {
            throw oauthError("invalid_grant", "Invalid JWT: Failed audience check. The right audience is "
                    + GOOGLE_TOKEN_URI + ", not " + aud);
        }
        if (!claims.path("iat").isNumber() || !claims.path("exp").isNumber()) {
            throw oauthError("invalid_grant", "Invalid JWT: iat and exp are required numbers");
        }
        Instant now = clock.instant();
        Instant iat = Instant.ofEpochSecond(claims.get("iat").asLong());
        Instant exp = Instant.ofEpochSecond(claims.get("exp").asLong());
        if (!exp.isAfter(now) || iat.isAfter(now.plus(CLOCK_SKEW)) || exp.isBefore(iat)
                || Duration.between(iat, exp).compareTo(MAX_ASSERTION_LIFETIME) > 0) {
            throw oauthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                    + "reasonable timeframe. Check your iat and exp values in the JWT claim.");
        }
        Set<String> scopes = new HashSet<>(Arrays.asList(claims.path("scope").asText("").split(" ")));
        if (!scopes.contains(DIALOGFLOW_SCOPE) && !scopes.contains(CLOUD_PLATFORM_SCOPE)) {
            throw oauthError("invalid_scope", "The scope does not allow Dialogflow: " + claims.path("scope").asText());
        }
        return claims;
    }

    private static boolean signatureValid(PublicKey key, String[] parts) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static JsonNode jsonPart(String part) {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(part));
            if (node == null || !node.isObject()) {
                throw new IOException("not an object");
            }
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw oauthError("invalid_grant", "Invalid JWT: a part is not base64url JSON");
        }
    }

    private static ApiError oauthError(String error, String description) {
        return new ApiError(400, object().put("error", error).put("error_description", description));
    }

    // ---------------------------------------------------------------- detectIntent

    private Reply detectIntent(Request request) {
        String authorization = request.headers().getOrDefault("authorization", "");
        Instant expiry = authorization.startsWith("Bearer ") ? tokens.get(authorization.substring(7)) : null;
        if (expiry == null || !expiry.isAfter(clock.instant())) {
            throw googleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                    + "login cookie or other valid authentication credential.");
        }
        Target target = target(request.path());
        ScriptedAgent agent = agents.get(target.agentKey());
        if (agent == null) {
            throw googleError(404, "com.google.apps.framework.request.NotFoundException: No DesignTimeAgent found for "
                    + target.agentKey());
        }
        if (target.environment() != null && !agent.environments.contains(target.environment())) {
            throw googleError(404, "Environment " + target.environment() + " not found");
        }
        if (!SESSION_ID.matcher(target.sessionId()).matches()) {
            throw googleError(400, "Invalid session id '" + target.sessionId() + "': at most 36 characters of "
                    + "[A-Za-z0-9_-]");
        }
        if (!"application/json".equals(mediaType(request))) {
            throw googleError(400, "Invalid JSON payload: Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            throw googleError(400, "Invalid JSON payload received.");
        }
        if (body == null || !body.isObject()) {
            throw googleError(400, "Invalid JSON payload received. Expected an object.");
        }
        Query query = agent.edition == Edition.CX ? cxQuery(body) : esQuery(body);
        accept(DETECT_INTENT, request, body);
        if (query.event() != null && eventFaults.getOrDefault(query.event(), 0) > 0) {
            eventFaults.merge(query.event(), -1, Integer::sum);
            throw googleError(eventFaultStatus, "injected");
        }
        detectIntentCalls.add(new DetectIntentCall(agent.edition, request.path(), target.environment(),
                target.sessionId(), body.deepCopy(), query.text(), query.event(), query.languageCode()));
        return Reply.json(200, agent.respond(query, target.sessionId()));
    }

    private static Target target(String path) {
        Matcher cx = CX_PATH.matcher(path);
        if (cx.matches()) {
            return new Target(cxKey(cx.group(1), cx.group(2), cx.group(3)), cx.group(4), cx.group(5));
        }
        Matcher es = ES_PATH.matcher(path);
        if (es.matches()) {
            String location = es.group(2) == null ? "global" : es.group(2);
            return new Target(esKey(es.group(1), location), es.group(3), es.group(5));
        }
        throw googleError(404, "The requested URL " + path + " was not found on this server.");
    }

    private static Query cxQuery(JsonNode body) {
        onlyFields(body, "", "queryInput", "queryParams");
        JsonNode input = requiredObject(body, "queryInput", "query_input");
        onlyFields(input, "query_input", "text", "event", "languageCode");
        if (input.get("text") != null && input.get("text").isObject()) {
            onlyFields(input.get("text"), "query_input.text", "text");
        }
        if (input.get("event") != null && input.get("event").isObject()) {
            onlyFields(input.get("event"), "query_input.event", "event");
        }
        String language = requiredText(input, "languageCode", "query_input.language_code");
        String text = null;
        String event = null;
        if (input.has("text") == input.has("event")) {
            throw googleError(400, "Exactly one of query_input.text and query_input.event is required");
        }
        if (input.has("text")) {
            text = queryText(requiredObject(input, "text", "query_input.text"));
        } else {
            event = requiredText(requiredObject(input, "event", "query_input.event"), "event",
                    "query_input.event.event");
        }
        JsonNode params = body.get("queryParams");
        if (params != null) {
            if (!params.isObject()) {
                throw googleError(400, "Invalid value at 'query_params': expected an object");
            }
            onlyFields(params, "query_params", "sessionTtl", "parameters", "payload", "timeZone", "channel",
                    "disableWebhook", "currentPage", "webhookHeaders", "endUserMetadata", "analyzeQueryTextSentiment");
            JsonNode ttl = params.get("sessionTtl");
            if (ttl != null) {
                Matcher duration = ttl.isTextual() ? PROTO_DURATION.matcher(ttl.asText()) : null;
                if (duration == null || !duration.matches()) {
                    throw googleError(400, "Invalid value at 'query_params.session_ttl' (type.googleapis.com/"
                            + "google.protobuf.Duration), " + ttl);
                }
                if (Long.parseLong(duration.group(1)) > Duration.ofDays(1).toSeconds()) {
                    throw googleError(400, "query_params.session_ttl must be at most 1 day");
                }
            }
        }
        return new Query(text, event, language);
    }

    private static Query esQuery(JsonNode body) {
        onlyFields(body, "", "queryInput", "queryParams", "outputAudioConfig", "outputAudioConfigMask");
        JsonNode input = requiredObject(body, "queryInput", "query_input");
        onlyFields(input, "query_input", "text", "event");
        if (input.has("text") == input.has("event")) {
            throw googleError(400, "Exactly one of query_input.text and query_input.event is required");
        }
        if (input.has("text")) {
            JsonNode textInput = requiredObject(input, "text", "query_input.text");
            onlyFields(textInput, "query_input.text", "text", "languageCode");
            String text = queryText(textInput);
            return new Query(text, null, requiredText(textInput, "languageCode", "query_input.text.language_code"));
        }
        JsonNode eventInput = requiredObject(input, "event", "query_input.event");
        onlyFields(eventInput, "query_input.event", "name", "parameters", "languageCode");
        JsonNode parameters = eventInput.get("parameters");
        if (parameters != null && !parameters.isObject()) {
            throw googleError(400, "Invalid value at 'query_input.event.parameters': expected an object");
        }
        JsonNode params = body.get("queryParams");
        if (params != null) {
            onlyFields(params, "query_params", "timeZone", "geoLocation", "contexts", "resetContexts",
                    "sessionEntityTypes", "payload", "sentimentAnalysisRequestConfig", "webhookHeaders", "platform");
        }
        return new Query(null, requiredText(eventInput, "name", "query_input.event.name"),
                requiredText(eventInput, "languageCode", "query_input.event.language_code"));
    }

    private static String queryText(JsonNode textInput) {
        String text = requiredText(textInput, "text", "query_input.text.text");
        if (text.length() > MAX_TEXT) {
            throw googleError(400, "Input text exceeds 256 characters (got " + text.length() + ").");
        }
        return text;
    }

    /** Google's answer to a field the message type does not have. */
    private static void onlyFields(JsonNode node, String at, String... allowed) {
        Set<String> known = Set.of(allowed);
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw googleError(400, "Invalid JSON payload received. Unknown name \"" + name + "\""
                        + (at.isEmpty() ? "" : " at '" + at + "'") + ": Cannot find field.");
            }
        });
    }

    private static JsonNode requiredObject(JsonNode node, String field, String name) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw googleError(400, name + " is required and must be an object");
        }
        return value;
    }

    private static String requiredText(JsonNode node, String field, String name) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw googleError(400, name + " is required");
        }
        return value.asText();
    }

    /** Google's error JSON, {@code {"error": {code, message, status}}}. */
    static ApiError googleError(int httpStatus, String message) {
        String status = switch (httpStatus) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "INTERNAL";
        };
        ObjectNode body = object();
        body.putObject("error").put("code", httpStatus).put("message", message).put("status", status);
        return new ApiError(httpStatus, body);
    }

    private static String cxKey(String project, String location, String agentId) {
        return "cx:projects/" + project + "/locations/" + location + "/agents/" + agentId;
    }

    private static String esKey(String project, String location) {
        return "es:projects/" + project + "/locations/" + location + "/agent";
    }

    // ---------------------------------------------------------------- the scripted agent

    public enum Edition { CX, ES }

    private record Target(String agentKey, String environment, String sessionId) {
    }

    private record Query(String text, String event, String languageCode) {
    }

    /** One accepted detectIntent call: the text or event it asked, the session, the exact body. */
    public record DetectIntentCall(Edition edition, String path, String environment, String sessionId, JsonNode body,
                                   String text, String event, String languageCode) {
    }

    /** Something the agent does in a turn, rendered in the edition's response shape. */
    public interface Say {
    }

    private record Text(String text) implements Say {
    }

    private record Payload(ObjectNode payload) implements Say {
    }

    private record LiveAgentHandoff(ObjectNode metadata) implements Say {
    }

    private record IntentHandoff() implements Say {
    }

    private record EndInteraction() implements Say {
    }

    /** A text message: CX and ES {@code {"text": {"text": [text]}}}. */
    public static Say say(String text) {
        return new Text(text);
    }

    /** A custom payload message, {@code {"payload": {...}}}. */
    public static Say payload(String json) {
        return new Payload(objectOf(json));
    }

    /** CX only: {@code {"liveAgentHandoff": {"metadata": {...}}}}. */
    public static Say liveAgentHandoff(String metadataJson) {
        return new LiveAgentHandoff(objectOf(metadataJson));
    }

    /** ES: a payload {@code {"handoff": {...switch fields...}}}. */
    public static Say payloadHandoff(String fieldsJson) {
        ObjectNode payload = object();
        payload.set("handoff", objectOf(fieldsJson));
        return new Payload(payload);
    }

    /** ES, Chatwoot's convention: a payload {@code {"action": "handoff", ...switch fields...}}. */
    public static Say actionHandoff(String fieldsJson) {
        ObjectNode payload = object().put("action", "handoff");
        payload.setAll(objectOf(fieldsJson));
        return new Payload(payload);
    }

    /** ES only: the matched intent has {@code liveAgentHandoff: true}. */
    public static Say intentHandoff() {
        return new IntentHandoff();
    }

    /** CX {@code {"endInteraction": {}}}; ES the intent's {@code endInteraction: true}. */
    public static Say endInteraction() {
        return new EndInteraction();
    }

    private static ObjectNode objectOf(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object: " + json, e);
        }
    }

    /**
     * An agent's script: text rules (a rule matches when one of its phrases is the whole text or a word of it, case
     * ignored; first rule wins), event rules (by name), and a fallback. Unknown events answer no messages.
     */
    public final class ScriptedAgent {
        private final Edition edition;
        private final String project;
        private final String location;
        private final String agentId;
        private final Set<String> environments = new HashSet<>();
        private final List<Map.Entry<List<String>, List<Say>>> textRules = new ArrayList<>();
        private final Map<String, List<Say>> eventRules = new HashMap<>();
        private List<Say> fallback = List.of(say("Sorry, I didn't get that."));

        private ScriptedAgent(Edition edition, String project, String location, String agentId) {
            this.edition = edition;
            this.project = project;
            this.location = location;
            this.agentId = agentId;
        }

        /** Makes the agent reachable through this environment too (the draft always is). */
        public ScriptedAgent environment(String environment) {
            synchronized (lock) {
                environments.add(environment);
            }
            return this;
        }

        /** When the text is (or has as a word) one of {@code phrases}, answer {@code turn}. */
        public ScriptedAgent onText(List<String> phrases, Say... turn) {
            check(turn);
            synchronized (lock) {
                textRules.add(Map.entry(phrases.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList(), List.of(turn)));
            }
            return this;
        }

        public ScriptedAgent onText(String phrase, Say... turn) {
            return onText(List.of(phrase), turn);
        }

        public ScriptedAgent onEvent(String event, Say... turn) {
            check(turn);
            synchronized (lock) {
                eventRules.put(event, List.of(turn));
            }
            return this;
        }

        public ScriptedAgent fallback(Say... turn) {
            check(turn);
            synchronized (lock) {
                fallback = List.of(turn);
            }
            return this;
        }

        private void check(Say[] turn) {
            for (Say say : turn) {
                if (edition == Edition.ES && say instanceof LiveAgentHandoff) {
                    throw new IllegalArgumentException("liveAgentHandoff is a CX message; ES uses payloadHandoff, "
                            + "actionHandoff or intentHandoff");
                }
                if (edition == Edition.CX && say instanceof IntentHandoff) {
                    throw new IllegalArgumentException("intentHandoff is ES's intent flag; CX uses liveAgentHandoff");
                }
            }
        }

        /** Called with the fake's lock held. */
        private ObjectNode respond(Query query, String sessionId) {
            String intent;
            List<Say> turn;
            if (query.event() != null) {
                turn = eventRules.getOrDefault(query.event(), List.of());
                intent = eventRules.containsKey(query.event()) ? "event " + query.event() : null;
            } else {
                Map.Entry<List<String>, List<Say>> rule = textRules.stream()
                        .filter(r -> r.getKey().stream().anyMatch(p -> matches(query.text(), p)))
                        .findFirst().orElse(null);
                turn = rule == null ? fallback : rule.getValue();
                intent = rule == null ? null : String.join("|", rule.getKey());
            }
            return edition == Edition.CX ? cxResponse(query, intent, turn) : esResponse(query, intent, turn);
        }

        private static boolean matches(String text, String phrase) {
            String lower = text.toLowerCase(Locale.ROOT).trim();
            return lower.equals(phrase) || Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(phrase)
                    + "(?![\\p{L}\\p{N}])").matcher(lower).find();
        }

        private ObjectNode cxResponse(Query query, String intent, List<Say> turn) {
            ObjectNode result = object();
            if (query.text() != null) {
                result.put("text", query.text());
            } else {
                result.put("triggerEvent", query.event());
            }
            result.put("languageCode", query.languageCode());
            var messages = result.putArray("responseMessages");
            for (Say say : turn) {
                if (say instanceof Text t) {
                    messages.addObject().putObject("text").putArray("text").add(t.text());
                } else if (say instanceof Payload p) {
                    messages.addObject().set("payload", p.payload().deepCopy());
                } else if (say instanceof LiveAgentHandoff h) {
                    messages.addObject().putObject("liveAgentHandoff").set("metadata", h.metadata().deepCopy());
                } else if (say instanceof EndInteraction) {
                    messages.addObject().putObject("endInteraction");
                }
            }
            result.putObject("currentPage")
                    .put("name", "projects/" + project + "/locations/" + location + "/agents/" + agentId
                            + "/flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE")
                    .put("displayName", "Start Page");
            ObjectNode match = result.putObject("match");
            if (intent == null) {
                match.put("matchType", query.event() != null ? "EVENT" : "NO_MATCH").put("confidence", 0.0);
            } else {
                match.put("matchType", query.event() != null ? "EVENT" : "INTENT").put("confidence", 1.0);
                match.putObject("intent").put("displayName", intent);
            }
            ObjectNode response = object().put("responseId", UUID.randomUUID().toString());
            response.set("queryResult", result);
            return response;
        }

        private ObjectNode esResponse(Query query, String intent, List<Say> turn) {
            ObjectNode result = object();
            result.put("queryText", query.text() != null ? query.text() : query.event());
            result.put("languageCode", query.languageCode());
            var messages = result.putArray("fulfillmentMessages");
            String firstText = "";
            boolean handoff = false;
            boolean end = false;
            for (Say say : turn) {
                if (say instanceof Text t) {
                    messages.addObject().putObject("text").putArray("text").add(t.text());
                    firstText = firstText.isEmpty() ? t.text() : firstText;
                } else if (say instanceof Payload p) {
                    messages.addObject().set("payload", p.payload().deepCopy());
                } else if (say instanceof IntentHandoff) {
                    handoff = true;
                } else if (say instanceof EndInteraction) {
                    end = true;
                }
            }
            result.put("fulfillmentText", firstText);
            ObjectNode intentNode = result.putObject("intent")
                    .put("name", "projects/" + project + "/agent/intents/" + UUID.nameUUIDFromBytes(
                            String.valueOf(intent).getBytes(StandardCharsets.UTF_8)))
                    .put("displayName", intent == null ? "Default Fallback Intent" : intent);
            if (intent == null) {
                intentNode.put("isFallback", true);
            }
            if (handoff) {
                intentNode.put("liveAgentHandoff", true);
            }
            if (end) {
                intentNode.put("endInteraction", true);
            }
            result.put("intentDetectionConfidence", intent == null ? 0.0 : 1.0);
            result.put("allRequiredParamsPresent", true);
            ObjectNode response = object().put("responseId", UUID.randomUUID().toString());
            response.set("queryResult", result);
            return response;
        }
    }
}
