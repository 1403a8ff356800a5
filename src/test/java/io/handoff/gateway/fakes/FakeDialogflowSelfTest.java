package io.handoff.gateway.fakes;

import static io.handoff.gateway.fakes.FakeDialogflow.actionHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.intentHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.liveAgentHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.payloadHandoff;
import static io.handoff.gateway.fakes.FakeDialogflow.say;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.FileSystemResource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.dialogflow.DetectIntentRequests;
import io.handoff.gateway.dialogflow.DetectIntentResponses;
import io.handoff.gateway.dialogflow.DetectIntentResult;
import io.handoff.gateway.dialogflow.DialogflowCredentials;
import io.handoff.gateway.dialogflow.DialogflowEndpoints;
import io.handoff.gateway.dialogflow.DialogflowProperties;
import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;
import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;
import io.handoff.gateway.dialogflow.DialogflowProperties.SwitchDefaults;
import io.handoff.gateway.dialogflow.DialogflowSessions;

/** The fake checks what Google checks, and the gateway's building blocks pass those checks over real HTTP. */
class FakeDialogflowSelfTest {

    static final String CX_AGENT = "0b6c0f4e-1111-2222-3333-444455556666";
    static final ObjectMapper JSON = new ObjectMapper();

    static FakeDialogflow fake;
    static DialogflowProperties properties;
    DialogflowCredentials credentials;
    static Agent cx;
    static Agent cxProd;
    static Agent esRegional;
    static Agent esGlobalEnv;
    final HttpClient http = HttpClient.newHttpClient();
    final DetectIntentRequests requests = new DetectIntentRequests(JSON);
    final DetectIntentResponses responses = new DetectIntentResponses(JSON);

    @BeforeAll
    static void start() {
        fake = FakeDialogflow.start();
        fake.cxAgent("my-project", "europe-west1", CX_AGENT).environment("prod")
                .onText("hi", say("Hello! How can I help?"))
                .onText(List.of("operator", "agent", "human", "person"), say("Connecting you to a person..."),
                        liveAgentHandoff("{\"destination\":\"support\"}"))
                .onEvent("handoff_ended", say("Welcome back! Anything else?"));
        fake.esAgent("my-project", "europe-west2")
                .onText("agent", say("One moment"), payloadHandoff("{\"destination\":\"sales\"}"))
                .onText("chatwoot", actionHandoff("{\"destination\":\"support\"}"))
                .onText("flag", say("Transferring"), intentHandoff());
        fake.esAgent("other-project", "global").environment("live").fallback(say("ES global"));
        var key = new FileSystemResource(fake.serviceAccountKeyFile());
        cx = agent(Edition.CX, "my-project", "europe-west1", CX_AGENT, "", key);
        cxProd = agent(Edition.CX, "my-project", "europe-west1", CX_AGENT, "prod", key);
        esRegional = agent(Edition.ES, "my-project", "europe-west2", null, "", key);
        esGlobalEnv = agent(Edition.ES, "other-project", "global", null, "live", key);
        properties = new DialogflowProperties(Map.of("cx", cx, "cxProd", cxProd, "es", esRegional,
                "esGlobal", esGlobalEnv));
    }

    static Agent agent(Edition edition, String project, String location, String agentId, String environment,
                       FileSystemResource key) {
        return new Agent(edition, project, location, agentId, environment, "en", key, fake.apiUrl(), null,
                "handoff_ended", "no_operators_online", Duration.ofDays(1), SwitchDefaults.NONE);
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        credentials = new DialogflowCredentials(properties);
    }

    // ---------------------------------------------------------------- the token endpoint

    @Test
    void googlesLibraryObtainsATokenWithARealJwtBearerGrant() {
        String token = credentials.accessToken("cx");
        assertThat(token).startsWith("ya29.fake-");
        assertThat(fake.count(FakeDialogflow.TOKEN)).isEqualTo(1);
        JsonNode claims = fake.bodies(FakeDialogflow.TOKEN).get(0).get("claims");
        assertThat(claims.get("iss").asText()).isEqualTo(FakeDialogflow.CLIENT_EMAIL);
        // google-auth-library names Google's token endpoint as the audience whatever token_uri says, as Google requires
        assertThat(claims.get("aud").asText()).isEqualTo(FakeDialogflow.GOOGLE_TOKEN_URI);
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isLessThanOrEqualTo(3600);
        assertThat(claims.get("scope").asText()).contains(FakeDialogflow.DIALOGFLOW_SCOPE);
    }

    @Test
    void aValidHandMadeAssertionPasses() throws Exception {
        var answer = grant(assertion(fake.keyPair().getPrivate(), fake.privateKeyId(), FakeDialogflow.CLIENT_EMAIL,
                fake.tokenUri(), FakeDialogflow.DIALOGFLOW_SCOPE, Instant.now(), Duration.ofHours(1)));
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asInt()).isEqualTo(3599);
        assertThat(body.get("access_token").asText()).isNotBlank();
    }

    @Test
    void forgedAssertionsAreRefused() throws Exception {
        var now = Instant.now();
        var ours = fake.keyPair().getPrivate();
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey stranger = generator.generateKeyPair().getPrivate();
        String email = FakeDialogflow.CLIENT_EMAIL;
        String scope = FakeDialogflow.DIALOGFLOW_SCOPE;
        String aud = fake.tokenUri();
        String kid = fake.privateKeyId();

        assertRefused(grant(assertion(stranger, kid, email, aud, scope, now, Duration.ofHours(1))),
                "invalid_grant", "Invalid JWT Signature.");
        assertRefused(grant(assertion(stranger, null, email, aud, scope, now, Duration.ofHours(1))),
                "invalid_grant", "Invalid JWT Signature.");
        assertRefused(grant(assertion(ours, kid, email, "https://example.com/token", scope, now,
                Duration.ofHours(1))), "invalid_grant", "audience");
        assertRefused(grant(assertion(ours, kid, email, "https://dialogflow.googleapis.com/", scope, now,
                Duration.ofHours(1))), "invalid_grant", "audience");
        assertRefused(grant(assertion(ours, kid, "someone@else.iam.gserviceaccount.com", aud, scope, now,
                Duration.ofHours(1))), "invalid_grant", "issuer");
        assertRefused(grant(assertion(ours, kid, email, aud, scope, now.minus(Duration.ofHours(2)),
                Duration.ofHours(1))), "invalid_grant", "short-lived");
        assertRefused(grant(assertion(ours, kid, email, aud, scope, now, Duration.ofHours(2))),
                "invalid_grant", "short-lived");
        assertRefused(grant(assertion(ours, kid, email, aud, "https://www.googleapis.com/auth/drive", now,
                Duration.ofHours(1))), "invalid_scope", "scope");
        var wrongGrant = post(fake.tokenUri(), "application/x-www-form-urlencoded",
                "grant_type=client_credentials&assertion=x", null);
        assertRefused(wrongGrant, "unsupported_grant_type", "grant_type");
        assertThat(fake.count(FakeDialogflow.TOKEN)).isZero();
    }

    private static void assertRefused(HttpResponse<String> answer, String error, String descriptionPart)
            throws IOException {
        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).contains(descriptionPart);
    }

    // ---------------------------------------------------------------- detectIntent, both editions

    @Test
    void cxTextTurnHandoffAndResumeEvent() throws Exception {
        String session = DialogflowSessions.sessionId("jaicp:shop:user-1");
        var hello = detect(cx, session, requests.text(cx, "hi", null));
        assertThat(hello.texts()).containsExactly("Hello! How can I help?");
        assertThat(hello.handoff()).isEmpty();

        var handoff = detect(cxProd, session, requests.text(cxProd, "I want a human please", null));
        assertThat(handoff.texts()).containsExactly("Connecting you to a person...");
        assertThat(handoff.handoff()).hasValueSatisfying(s -> assertThat(s.destination()).contains("support"));

        var back = detect(cx, session, requests.event(cx, "handoff_ended", null, null));
        assertThat(back.texts()).containsExactly("Welcome back! Anything else?");

        var calls = fake.detectIntentCalls();
        assertThat(calls).extracting(FakeDialogflow.DetectIntentCall::sessionId).containsOnly(session);
        assertThat(calls.get(1).environment()).isEqualTo("prod");
        assertThat(calls.get(2).event()).isEqualTo("handoff_ended");
        assertThat(calls.get(0).body().at("/queryParams/sessionTtl").asText()).isEqualTo("86400s");
        assertThat(fake.count(FakeDialogflow.TOKEN)).as("one token per agent, cached across its calls").isEqualTo(2);
    }

    @Test
    void esRegionalHandoffsOfEachKind() throws Exception {
        String session = "es-user-1";
        var payload = detect(esRegional, session, requests.text(esRegional, "agent", null));
        assertThat(payload.texts()).containsExactly("One moment");
        assertThat(payload.handoff()).hasValueSatisfying(s -> {
            assertThat(s.source()).isEqualTo("payload.handoff");
            assertThat(s.destination()).contains("sales");
        });
        var chatwoot = detect(esRegional, session, requests.text(esRegional, "chatwoot", null));
        assertThat(chatwoot.handoff()).hasValueSatisfying(s -> assertThat(s.source()).isEqualTo("payload.action"));
        assertThat(chatwoot.replies()).isEmpty();
        var flag = detect(esRegional, session, requests.text(esRegional, "flag", null));
        assertThat(flag.handoff()).hasValueSatisfying(s -> assertThat(s.source()).isEqualTo("intent.liveAgentHandoff"));
        assertThat(flag.texts()).containsExactly("Transferring");
    }

    @Test
    void esGlobalWithAnEnvironmentAndAnEvent() throws Exception {
        var result = detect(esGlobalEnv, "s", requests.text(esGlobalEnv, "anything", null));
        assertThat(result.texts()).containsExactly("ES global");
        assertThat(fake.detectIntentCalls().get(0).path())
                .isEqualTo("/v2/projects/other-project/agent/environments/live/users/-/sessions/s:detectIntent");
        var event = detect(esGlobalEnv, "s", requests.event(esGlobalEnv, "no_operators_online", "en", null));
        assertThat(event.replies()).isEmpty();
    }

    @Test
    void aLongTextIsCutByTheGatewayAndRefusedByTheFakeUncut() throws Exception {
        String text = "x".repeat(300);
        detect(cx, "s-long", requests.text(cx, text, null));
        assertThat(fake.detectIntentCalls().get(0).text()).hasSize(256);

        ObjectNode uncut = requests.text(cx, "short", null);
        ((ObjectNode) uncut.at("/queryInput/text")).put("text", "y".repeat(257));
        assertGoogleError(call(cx, "s-long", uncut), 400, "INVALID_ARGUMENT", "256");
    }

    @Test
    void shapesOfTheOtherEditionAreRefused() throws Exception {
        // ES shape to CX: the language inside text
        assertGoogleError(call(cx, "s", requests.text(esRegional, "hi", null)), 400, "INVALID_ARGUMENT",
                "Unknown name \"languageCode\" at 'query_input.text'");
        // CX shape to ES: the language beside text, and sessionTtl
        assertGoogleError(call(esRegional, "s", requests.text(cx, "hi", null)), 400, "INVALID_ARGUMENT",
                "Unknown name \"languageCode\" at 'query_input'");
        // CX event named as ES names it
        assertGoogleError(call(cx, "s", requests.event(esRegional, "handoff_ended", null, null)), 400,
                "INVALID_ARGUMENT", "Unknown name");
        assertGoogleError(call(esRegional, "s", requests.event(cx, "handoff_ended", null, null)), 400,
                "INVALID_ARGUMENT", "Unknown name");
        // both text and event; no query input
        ObjectNode both = requests.text(cx, "hi", null);
        ((ObjectNode) both.get("queryInput")).putObject("event").put("event", "x");
        assertGoogleError(call(cx, "s", both), 400, "INVALID_ARGUMENT", "Exactly one");
        assertGoogleError(call(cx, "s", JSON.createObjectNode()), 400, "INVALID_ARGUMENT", "query_input");
        ObjectNode ttl = requests.text(cx, "hi", null);
        ((ObjectNode) ttl.get("queryParams")).put("sessionTtl", "172800s");
        assertGoogleError(call(cx, "s", ttl), 400, "INVALID_ARGUMENT", "1 day");
        assertThat(fake.count(FakeDialogflow.DETECT_INTENT)).isZero();
    }

    @Test
    void sessionPathAndTokenAreChecked() throws Exception {
        String token = credentials.accessToken("cx");
        String body = requests.text(cx, "hi", null).toString();
        String base = fake.apiUrl() + "/v3/projects/my-project/locations/europe-west1/agents/" + CX_AGENT;
        assertGoogleError(post(base + "/sessions/" + "s".repeat(37) + ":detectIntent", "application/json", body,
                token), 400, "INVALID_ARGUMENT", "session");
        assertGoogleError(post(base + "/sessions/a.b:detectIntent", "application/json", body, token), 400,
                "INVALID_ARGUMENT", "session");
        assertGoogleError(post(fake.apiUrl() + "/v3/projects/my-project/locations/global/agents/" + CX_AGENT
                + "/sessions/s:detectIntent", "application/json", body, token), 404, "NOT_FOUND", "DesignTimeAgent");
        assertGoogleError(post(base + "/environments/staging/sessions/s:detectIntent", "application/json", body,
                token), 404, "NOT_FOUND", "staging");
        assertGoogleError(post(base + "/sessions/s:detectIntent", "application/json", body, null), 401,
                "UNAUTHENTICATED", "credentials");
        assertGoogleError(post(base + "/sessions/s:detectIntent", "application/json", body, "ya29.forged"), 401,
                "UNAUTHENTICATED", "credentials");
        assertThat(post(base + "/sessions/s:detectIntent", "application/json", body, token).statusCode())
                .isEqualTo(200);

        fake.expireTokens();
        assertGoogleError(post(base + "/sessions/s:detectIntent", "application/json", body, token), 401,
                "UNAUTHENTICATED", "credentials");
        String renewed = credentials.renewAccessToken("cx");
        assertThat(renewed).isNotEqualTo(token);
        assertThat(post(base + "/sessions/s:detectIntent", "application/json", body, renewed).statusCode())
                .isEqualTo(200);
    }

    @Test
    void injectedFaultsAndDelays() throws Exception {
        fake.failNext(FakeDialogflow.DETECT_INTENT, 1, 503);
        fake.failNext(FakeDialogflow.DETECT_INTENT, 1, 429);
        ObjectNode body = requests.text(cx, "hi", null);
        assertGoogleError(call(cx, "s", body), 503, "UNAVAILABLE", "injected");
        assertGoogleError(call(cx, "s", body), 429, "RESOURCE_EXHAUSTED", "injected");
        assertThat(call(cx, "s", body).statusCode()).isEqualTo(200);
        assertThat(fake.count(FakeDialogflow.DETECT_INTENT)).isEqualTo(3);

        fake.delayNext(FakeDialogflow.DETECT_INTENT, 1, Duration.ofMillis(300));
        long started = System.nanoTime();
        assertThat(call(cx, "s", body).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    // ---------------------------------------------------------------- helpers

    private DetectIntentResult detect(Agent agent, String session, ObjectNode body) throws Exception {
        var answer = call(agent, session, body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return responses.parse(agent.edition(), answer.body());
    }

    private HttpResponse<String> call(Agent agent, String session, ObjectNode body) throws Exception {
        String name = agent == cx ? "cx" : agent == cxProd ? "cxProd" : agent == esRegional ? "es" : "esGlobal";
        return post(DialogflowEndpoints.detectIntentUrl(agent, session), "application/json", body.toString(),
                credentials.accessToken(name));
    }

    private HttpResponse<String> grant(String assertion) throws Exception {
        return post(fake.tokenUri(), "application/x-www-form-urlencoded", "grant_type="
                + URLEncoder.encode(FakeDialogflow.JWT_BEARER, StandardCharsets.UTF_8) + "&assertion=" + assertion,
                null);
    }

    private HttpResponse<String> post(String url, String contentType, String body, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertGoogleError(HttpResponse<String> answer, int status, String googleStatus,
                                          String messagePart) throws IOException {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(answer.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("status").asText()).isEqualTo(googleStatus);
        assertThat(error.get("message").asText()).contains(messagePart);
    }

    /** An RS256 JWT-bearer assertion, signed by hand. */
    static String assertion(PrivateKey key, String kid, String iss, String aud, String scope, Instant iat,
                            Duration lifetime) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (kid != null) {
            header.put("kid", kid);
        }
        ObjectNode claims = JSON.createObjectNode().put("iss", iss).put("aud", aud).put("scope", scope)
                .put("iat", iat.getEpochSecond()).put("exp", iat.plus(lifetime).getEpochSecond());
        var b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + b64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(signer.sign());
    }
}
