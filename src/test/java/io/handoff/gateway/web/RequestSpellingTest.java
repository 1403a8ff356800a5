package io.handoff.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.RawHttp;

/**
 * The key check and the body limits cannot be walked around by spelling a path differently: every
 * spelling that could be read two ways is refused (400), every other one is checked on its normalised
 * path (401 without a key, 413 over the limit), every refusal is problem+json, and none of them records
 * a conversation or reaches the operator platform. Requests go out byte for byte ({@link RawHttp}).
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class RequestSpellingTest {

    static final String KEY = "spelling-test-key-0123456789";
    static final String WEBHOOK_SECRET = "spelling-webhook-secret";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final String HANDOFF = "{\"conversationId\":\"spell-1\",\"switch\":{\"destination\":\"support\"}}";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> KEY);
        registry.add("handoff.api.max-body-bytes", () -> "64KB");
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        LIVECHAT.configure(registry, WEBHOOK_SECRET);
        registry.add("handoff.jaicp.channels.shop.key", () -> "shop-channel-key");
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:spelling;DB_CLOSE_DELAY=-1");
    }

    @LocalServerPort
    int port;

    @AfterEach
    void nothingWasRecordedOrSent() {
        RawHttp.Response view = RawHttp.send(port, "GET", "/api/v1/conversations/spell-1", bearer(), null);
        assertThat(view.status()).as("a refused call recorded conversation spell-1").isEqualTo(404);
        assertThat(LIVECHAT.totalCount()).as("a refused call reached LiveChat").isZero();
    }

    /** Spellings of the bot API's paths that could be read two ways: refused by the firewall or Tomcat. */
    static Stream<Arguments> ambiguous() {
        return Stream.of(
                Arguments.of("POST", "/api;x/v1/conversations/spell-1/messages"),
                Arguments.of("POST", "/api;/v1/conversations/spell-1/close"),
                Arguments.of("GET", "/api;x/v1/conversations/spell-1/events?after=0"),
                Arguments.of("POST", "//api/v1/handoffs"),
                Arguments.of("POST", "/./api/v1/handoffs"),
                Arguments.of("POST", "/%2e/api/v1/handoffs"),
                Arguments.of("POST", "/%2E%2E/api/v1/handoffs"),
                Arguments.of("POST", "/api/v1/../v1/handoffs"),
                Arguments.of("POST", "/api/v1/x/%2e%2e/handoffs"),
                Arguments.of("GET", "/api/v1/conversations/spell%2F1"),
                Arguments.of("GET", "/api/v1/conversations/spell%2f1/events"),
                Arguments.of("GET", "/api%2Fv1/conversations/spell-1"),
                Arguments.of("GET", "/api/v1/conversations/spell%5C1"),
                Arguments.of("POST", "/api;a=b/v1/handoffs"),
                Arguments.of("POST", "/api/v1;a=b/handoffs"),
                Arguments.of("POST", "/api/v1/handoffs;a=b"),
                Arguments.of("GET", "/api/v1/conversations;a=b/spell-1"),
                Arguments.of("GET", "/api/v1/conversations/spell-1;jsessionid=x"),
                Arguments.of("GET", "/api/v1/conversations/spell%0A1"),
                Arguments.of("GET", "/api/v1/conversations/spell%0d1"),
                Arguments.of("GET", "/api/v1/conversations/spell%001"),
                Arguments.of("GET", "/api/v1/conversations/spell%zz"),
                Arguments.of("GET", "/api/v1/conversations/spell%251"),
                Arguments.of("POST", "/webhooks/livetex?%00=1"),
                Arguments.of("POST", "/jaicp/shop-channel-key/sendText?a%0Ab=1"),
                Arguments.of("POST", "/webhooks/livechat?x=%07"),
                Arguments.of("GET", "/api/v1/conversations/" + "a".repeat(10_000)),
                Arguments.of("POST", "/webhooks;x/livechat"),
                Arguments.of("POST", "/jaicp;x/shop-channel-key/sendText"));
    }

    @ParameterizedTest(name = "{0} {1} without a key")
    @MethodSource("ambiguous")
    void ambiguousSpellingsAreRefusedWithoutAKey(String method, String target) {
        assertProblem(refused(method, target, json()), 400);
    }

    @ParameterizedTest(name = "{0} {1} with a key")
    @MethodSource("ambiguous")
    void ambiguousSpellingsAreRefusedWithAKeyToo(String method, String target) {
        assertProblem(refused(method, target, jsonWithKey()), 400);
    }

    /**
     * Tomcat answers a request line over its header limit and closes the connection with the rest unread,
     * which may reset it before the answer is read: such a call is tried again (at most three times).
     */
    RawHttp.Response refused(String method, String target, Map<String, String> headers) {
        byte[] body = "GET".equals(method) ? null : HANDOFF.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; ; attempt++) {
            try {
                return RawHttp.send(port, method, target, headers, body);
            } catch (IllegalStateException reset) {
                if (attempt == 3 || target.length() < 8_192) {
                    throw reset;
                }
            }
        }
    }

    /** Spellings that mean one plain path: they are checked on that path, so without a key they get 401. */
    static Stream<Arguments> plainButEncoded() {
        return Stream.of(
                Arguments.of("GET", "/%61pi/v1/conversations/spell-1"),
                Arguments.of("POST", "/%61pi/v1/handoffs"),
                Arguments.of("POST", "/%61%70%69/v1/conversations/spell-1/messages"),
                Arguments.of("GET", "/api/v1/conversations/spell-1/%65vents?after=0"),
                Arguments.of("POST", "/api/v1/handoffs"),
                Arguments.of("POST", "/API/v1/handoffs"),
                Arguments.of("POST", "/Api/v1/handoffs"),
                Arguments.of("GET", "/anything-not-public"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("plainButEncoded")
    void encodedSpellingsNeedTheKeyLikeThePlainPath(String method, String target) {
        RawHttp.Response response = RawHttp.send(port, method, target, json(), HANDOFF.getBytes(StandardCharsets.UTF_8));
        assertProblem(response, 401);
        assertThat(response.headers().get("www-authenticate")).isEqualTo("Bearer");
    }

    @Test
    void aQueryWithControlCharactersIsRefusedOnTheBotApiToo() {
        assertProblem(refused("GET", "/api/v1/conversations/spell-1/events?%00=1", jsonWithKey()), 400);
        assertProblem(refused("POST", "/api/v1/handoffs?a%0Ab=1", jsonWithKey()), 400);
    }

    @Test
    void theContainersErrorPageIsNoPageOfItsOwn() {
        assertProblem(RawHttp.send(port, "GET", "/error", bearer(), null), 404);
        assertProblem(RawHttp.send(port, "GET", "/error", Map.of(), null), 401);
    }

    @Test
    void aWrongKeyOrAnotherSchemeIsRefused() {
        for (String authorization : new String[] {"Bearer wrong-key-0123456789", "Basic " + KEY, KEY, "Bearer ",
                "Bearer " + KEY + "x", "bearer  " + KEY.substring(1)}) {
            Map<String, String> headers = Map.of("Content-Type", "application/json", "Authorization", authorization);
            assertProblem(RawHttp.send(port, "POST", "/%61pi/v1/handoffs", headers,
                    HANDOFF.getBytes(StandardCharsets.UTF_8)), 401);
        }
    }

    @Test
    void theBodyLimitHoldsForEverySpellingOfEveryPath() {
        byte[] big = ("{\"pad\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (String target : new String[] {"/webhooks/livechat", "/%77ebhooks/livechat", "/webhooks/%6civechat",
                "/webhooks/livetex", "/jaicp/shop-channel-key/sendText", "/%6Aaicp/shop-channel-key/sendText",
                "/sandbox/livechat/v3.6/customer/action/upload_file", "/actuator/health"}) {
            assertProblem(RawHttp.send(port, "POST", target, json(), big), 413);
        }
        for (String target : new String[] {"/api/v1/handoffs", "/%61pi/v1/handoffs"}) {
            assertProblem(RawHttp.send(port, "POST", target, jsonWithKey(), big), 413);
        }
    }

    @Test
    void aHugeChunkedBodyIsCutOffAtTheLimitNotReadInFull() throws IOException {
        long fiftyMegabytes = 50L * 1024 * 1024;
        AtomicLong sent = new AtomicLong();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /%77ebhooks/livechat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'x');
                byte[] header = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                try {
                    while (sent.get() < fiftyMegabytes) {
                        out.write(header);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException closedByTheGateway) {
                    // expected: the gateway answered and closed the connection
                }
            });
            writer.start();
            InputStream in = socket.getInputStream();
            RawHttp.Response response = RawHttp.read(in);
            assertProblem(response, 413);
            assertThat(sent.get()).as("bytes the client could send before the gateway stopped reading")
                    .isLessThan(fiftyMegabytes);
        }
    }

    @Test
    void malformedUtf8IsA400ProblemOnEveryDoor() {
        byte[] invalid = "{\"conversationId\":\"spell-1\",\"text\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertProblem(RawHttp.send(port, "POST", "/api/v1/handoffs", jsonWithKey(), invalid), 400);
        assertProblem(RawHttp.send(port, "POST", "/webhooks/livechat", json(), invalid), 400);
        assertProblem(RawHttp.send(port, "POST", "/webhooks/livetex", json(), invalid), 400);
        assertProblem(RawHttp.send(port, "POST", "/jaicp/shop-channel-key/sendText", json(), invalid), 400);
        assertProblem(RawHttp.send(port, "POST", "/jaicp/shop-channel-key/sendText",
                Map.of("Content-Type", "text/plain"), invalid), 400);
    }

    @Test
    void aForgedLogLineStaysOnItsOwnLine(CapturedOutput output) {
        String forged = "\n2026-12-01T00:00:00.000Z ERROR 1 --- [main] forged.Logger : FORGED-LINE";
        String webhook = "{\"webhook_id\":\"w-1\",\"secret_key\":\"" + WEBHOOK_SECRET + "\",\"action\":\"x"
                + forged.replace("\n", "\\n") + "\",\"payload\":{}}";
        RawHttp.Response answer = RawHttp.send(port, "POST", "/webhooks/livechat", json(),
                webhook.getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).isEqualTo(200); // unknown actions are acknowledged and logged
        String badId = "{\"conversationId\":\"x" + forged.replace("\n", "\\n") + "\",\"switch\":{}}";
        assertProblem(RawHttp.send(port, "POST", "/api/v1/handoffs", jsonWithKey(),
                badId.getBytes(StandardCharsets.UTF_8)), 400);
        assertProblem(RawHttp.send(port, "GET", "/api/v1/conversations/x%0AFORGED-LINE", bearer(), null), 400);

        assertThat(output.getAll()).as("the forged text was logged, escaped").contains("\\n2026-12-01T00:00:00.000Z ERROR");
        assertThat(output.getAll().lines().filter(line -> line.contains("FORGED-LINE")))
                .allMatch(line -> line.contains("\\n2026-12-01T00:00:00.000Z ERROR 1"));
    }

    static void assertProblem(RawHttp.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("type").asText()).startsWith("urn:handoff:problem:");
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
        assertThat(response.json().path("title").asText()).isNotBlank();
        assertThat(response.json().path("detail").asText()).isNotBlank();
    }

    static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    static Map<String, String> jsonWithKey() {
        return Map.of("Content-Type", "application/json", "Authorization", "Bearer " + KEY);
    }

    static Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + KEY);
    }
}
