package io.handoff.gateway.dialogflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.FileSystemResource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.ServiceAccountCredentials;

import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;
import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;
import io.handoff.gateway.fakes.FakeDialogflow;

/** Google's library against the fake's token endpoint, over real HTTP on 127.0.0.1. */
@ExtendWith(OutputCaptureExtension.class)
class DialogflowCredentialsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static FakeDialogflow fake;
    static FakeDialogflow stranger;   // another key pair: its key is valid JSON the fake's endpoint must refuse
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        fake = FakeDialogflow.start();
        stranger = FakeDialogflow.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
        stranger.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        fake.tokenLifetime(Duration.ofSeconds(3599));
    }

    @Test
    void aTokenIsCachedWhileFarFromExpiry() {
        var credentials = credentialsWithKey(fake.serviceAccountKeyJson());
        String first = credentials.accessToken("shop");
        assertThat(credentials.accessToken("shop")).isEqualTo(first);
        assertThat(fake.count(FakeDialogflow.TOKEN)).isEqualTo(1);
        assertThat(credentials.renewAccessToken("shop")).isNotEqualTo(first);
        assertThat(fake.count(FakeDialogflow.TOKEN)).isEqualTo(2);
    }

    @Test
    void aTokenWithLessThanTheRenewalMarginLeftIsRenewed() {
        // 4 min left: fresh for the library's default margin (3 min 45 s), due for ours (5 min)
        fake.tokenLifetime(Duration.ofMinutes(4));
        var credentials = credentialsWithKey(fake.serviceAccountKeyJson());
        String first = credentials.accessToken("shop");
        String second = credentials.accessToken("shop");
        assertThat(second).isNotEqualTo(first);
        assertThat(fake.count(FakeDialogflow.TOKEN)).isEqualTo(2);

        fake.tokenLifetime(Duration.ofMinutes(6));
        String third = credentials.accessToken("shop");
        assertThat(credentials.accessToken("shop")).isEqualTo(third);
    }

    @Test
    void aTokenThatCannotBeRenewedIsKeptUntilTheExpiryMarginThenTheFailureShows() {
        fake.tokenLifetime(Duration.ofMinutes(4)); // due for renewal, not yet inside the 2-minute expiry margin
        var credentials = credentialsWithKey(fake.serviceAccountKeyJson());
        String first = credentials.accessToken("shop");
        fake.failNext(FakeDialogflow.TOKEN, 1, 503);
        assertThat(credentials.accessToken("shop")).isEqualTo(first);

        fake.tokenLifetime(Duration.ofSeconds(90)); // inside the expiry margin: never handed out
        var late = credentialsWithKey(fake.serviceAccountKeyJson());
        late.accessToken("shop");
        int calls = fake.count(FakeDialogflow.TOKEN);
        fake.failNext(FakeDialogflow.TOKEN, 1, 503);
        var failure = catchThrowableOfType(DialogflowCredentialsException.class, () -> late.accessToken("shop"));
        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("'shop'").hasMessageContaining("503");
        assertThat(fake.count(FakeDialogflow.TOKEN)).as("the library does not retry by itself").isEqualTo(calls + 1);
    }

    @Test
    void aKeyTheTokenEndpointDoesNotKnowIsRefusedClearlyAndWithoutTheKey(CapturedOutput output) {
        String key = stranger.serviceAccountKeyJson().replace(stranger.tokenUri(), fake.tokenUri());
        var credentials = credentialsWithKey(key);
        var failure = catchThrowableOfType(DialogflowCredentialsException.class, () -> credentials.accessToken("shop"));
        assertThat(failure).hasMessageStartingWith("Dialogflow agent 'shop': no access token at " + fake.tokenUri())
                .hasMessageContaining("400 invalid_grant (Invalid JWT Signature.)");
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.getCause()).isNull();
        assertNothingOfTheKey(key, failure.getMessage(), output.getAll(), credentials.toString());
    }

    @Test
    void anUnreachableTokenEndpointIsRetryable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String key = fake.serviceAccountKeyJson().replace(fake.tokenUri(), "http://127.0.0.1:" + closedPort + "/token");
        var failure = catchThrowableOfType(DialogflowCredentialsException.class,
                () -> credentialsWithKey(key).accessToken("shop"));
        assertThat(failure).hasMessageContaining("could not be reached");
        assertThat(failure.retryable()).isTrue();
    }

    @Test
    void anUnusableKeyStopsStartUpNamingTheResourceNotItsContent(CapturedOutput output) throws IOException {
        ObjectNode key = (ObjectNode) JSON.readTree(fake.serviceAccountKeyJson());
        String pem = key.get("private_key").asText();
        key.put("private_key", pem.replace("MII", "XXX"));   // still PEM-shaped, no longer PKCS#8
        Path file = write(key.toString());
        assertThatThrownBy(() -> credentialsWithFile(file))
                .isInstanceOf(DialogflowCredentialsException.class)
                .hasMessageContaining("handoff.dialogflow.agents.shop.credentials: file [" + file)
                .hasMessageContaining("not a usable service-account key")
                .satisfies(e -> assertNothingOfTheKey(key.toString(), e.getMessage(), output.getAll(), ""));

        Path notJson = write("-----BEGIN PRIVATE KEY-----\n" + pem + "\nnot json");
        assertThatThrownBy(() -> credentialsWithFile(notJson))
                .isInstanceOf(DialogflowCredentialsException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pem.substring(30, 60)));
    }

    @Test
    void withoutAKeyApplicationDefaultCredentialsAreUsedScopedAndLoadedLazily() throws IOException {
        AtomicInteger lookups = new AtomicInteger();
        byte[] key = fake.serviceAccountKeyJson().getBytes();
        var properties = new DialogflowProperties(Map.of("shop", agent(null)));
        var credentials = new DialogflowCredentials(properties, () -> {
            if (lookups.incrementAndGet() == 1) {
                throw new IOException("The Application Default Credentials are not available.");
            }
            // what ADC gives when GOOGLE_APPLICATION_CREDENTIALS names a key: unscoped service-account credentials
            return ServiceAccountCredentials.fromStream(new java.io.ByteArrayInputStream(key));
        });
        assertThat(lookups).hasValue(0);
        assertThatThrownBy(() -> credentials.accessToken("shop"))
                .isInstanceOf(DialogflowCredentialsException.class)
                .hasMessageContaining("Application Default Credentials are not available")
                .hasMessageContaining("handoff.dialogflow.agents.shop.credentials");
        assertThat(credentials.accessToken("shop")).startsWith("ya29.fake-");
        assertThat(lookups).hasValue(2);
        assertThat(fake.bodies(FakeDialogflow.TOKEN).get(0).at("/claims/scope").asText())
                .isEqualTo(DialogflowEndpoints.SCOPE);
        assertThat(credentials.toString()).isEqualTo("DialogflowCredentials[shop=ADC]");
    }

    @Test
    void anUnknownAgentIsAProgrammingError() {
        var credentials = credentialsWithKey(fake.serviceAccountKeyJson());
        assertThatThrownBy(() -> credentials.accessToken("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsNoKey() {
        String key = fake.serviceAccountKeyJson();
        var credentials = credentialsWithKey(key);
        credentials.accessToken("shop");
        assertThat(credentials.toString()).isEqualTo("DialogflowCredentials[shop=service-account key]");
    }

    // ---------------------------------------------------------------- helpers

    private DialogflowCredentials credentialsWithKey(String keyJson) {
        return credentialsWithFile(write(keyJson));
    }

    private DialogflowCredentials credentialsWithFile(Path file) {
        return new DialogflowCredentials(new DialogflowProperties(Map.of("shop", agent(new FileSystemResource(file)))),
                () -> {
                    throw new AssertionError("ADC must not be looked up when a key is configured");
                });
    }

    private static Agent agent(FileSystemResource key) {
        return Agents.agent(Edition.CX, "p", "global", "a", "", fake.apiUrl(), key);
    }

    private Path write(String content) {
        try {
            Path file = Files.createTempFile(dir, "key", ".json");
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertNothingOfTheKey(String keyJson, String... texts) {
        try {
            var key = JSON.readTree(keyJson);
            String pem = key.get("private_key").asText();
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replace("\n", "");
            for (String text : texts) {
                assertThat(text).doesNotContain(body.substring(0, 40)).doesNotContain(body.substring(body.length() - 40))
                        .doesNotContain("PRIVATE KEY").doesNotContain("ya29.");
                // no signed assertion (three base64url parts, the first being {"alg":"RS256"...})
                assertThat(text).doesNotContain("eyJhbGciOiJSUzI1NiI");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
