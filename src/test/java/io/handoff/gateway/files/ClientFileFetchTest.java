package io.handoff.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.conversation.ClientQueue;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * gateway-api.md §10 over real HTTP on 127.0.0.1: which client file URLs the gateway fetches for LiveChat,
 * that a refusal looks the same to the bot whatever the reason (no port mapping), and that a download is
 * bounded in bytes and time. Only the file host's own port (and two test ports) are allow-listed; every
 * other 127.0.0.1 port is internal, as on a real host.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
@Import(ClientFileFetchTest.ANameServerThatNeverAnswers.class) // classes= above: nested configurations are not found by themselves
class ClientFileFetchTest {

    static final String API_KEY = "files-bot-key";
    static final String WEBHOOK_SECRET = "files-webhook-secret";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FileHost HOST = FileHost.started();
    static final Path SPOOL = Path.of(System.getProperty("java.io.tmpdir"), "client-files-spool-" + UUID.randomUUID()); // made by the gateway
    static final Map<String, Object> NOT_FETCHED = Map.of("type", "urn:handoff:problem:invalid-request",
            "title", "Invalid request", "status", 400, "detail", "the file could not be fetched");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> API_KEY);
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        LIVECHAT.configure(registry, WEBHOOK_SECRET);
        registry.add("handoff.retry.initial-delay", () -> "20");
        // the file host, and a closed port and a non-HTTP service made reachable on purpose: their failures
        // must look like any other refusal
        registry.add("handoff.files.allowed-hosts", () -> String.join(",", HOST.authority(),
                "127.0.0.1:" + HOST.closedPort(), "127.0.0.1:" + HOST.notHttpPort()));
        registry.add("handoff.relay.max-file-size", () -> "1MB");
        registry.add("handoff.files.connect-timeout", () -> "1s");
        registry.add("handoff.files.total-timeout", () -> "2s");
        registry.add("handoff.files.dns-timeout", () -> "500ms");
        registry.add("handoff.files.spool-dir", SPOOL::toString);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:client-files;DB_CLOSE_DELAY=-1");
    }

    static final CountDownLatch SLOW_DNS_ANSWERS = new CountDownLatch(1);

    /**
     * The OS resolver, but the name server of "slow.files.example" never answers, as a client's own name
     * server may do on purpose: how else to make one hang on 127.0.0.1. Everything else resolves as usual.
     */
    @TestConfiguration
    static class ANameServerThatNeverAnswers {
        @Bean
        @Primary
        HostLookup slowNameServerLookup(FilesProperties properties) {
            return new HostLookup(properties.dnsTimeout(), host -> {
                if (host.equals("slow.files.example")) {
                    HostLookupTest.awaitUninterruptibly(SLOW_DNS_ANSWERS);
                }
                return InetAddress.getAllByName(host);
            });
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    ClientQueue queue;
    GatewayClient bot;

    @AfterAll
    static void stop() throws IOException {
        SLOW_DNS_ANSWERS.countDown();
        HOST.close();
        SPOOL.toFile().delete(); // empty, if every test passed
    }

    static List<Path> spooled() throws IOException {
        try (Stream<Path> files = Files.list(SPOOL)) {
            return files.toList();
        }
    }

    @BeforeEach
    void connect() {
        LIVECHAT.reset();
        LIVECHAT.groupStatus(1, "online");
        LIVECHAT.webhookTarget("http://127.0.0.1:" + port + "/webhooks/livechat", WEBHOOK_SECRET);
        bot = new GatewayClient(port, API_KEY);
    }

    /** A conversation in a LiveChat handoff: returns [conversationId, chatId]. */
    String[] handoff() {
        String id = "files-" + UUID.randomUUID();
        Response answer = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", id,
                "switch", Map.of("firstMessage", "I need a human"))));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return new String[] {id, answer.json().path("providerChatId").asText()};
    }

    Response sendFile(String id, String url) {
        return bot.post("/api/v1/conversations/" + id + "/messages", GatewayClient.json(Map.of(
                "messageId", UUID.randomUUID().toString(), "file", Map.of("url", url, "name", "receipt.txt"))));
    }

    /**
     * A file accepted (202) whose download fails at delivery: the bot gets messageUndelivered(fileUnavailable),
     * the same for every reason (the reason is in the log). Returns the event without its seq, messageId and time.
     */
    String assertUndelivered(String id, String url) {
        String messageId = UUID.randomUUID().toString();
        Response answer = bot.post("/api/v1/conversations/" + id + "/messages", GatewayClient.json(Map.of(
                "messageId", messageId, "file", Map.of("url", url, "name", "receipt.txt"))));
        assertThat(answer.status()).as(url + ": " + answer.text()).isEqualTo(202);
        awaitDelivered(id);
        JsonNode event = bot.events(id).stream().filter(e -> e.path("messageId").asText().equals(messageId)).findFirst()
                .orElseThrow(() -> new AssertionError("no messageUndelivered for " + url));
        assertThat(event.path("type").asText()).as(url).isEqualTo("messageUndelivered");
        assertThat(event.path("reason").asText()).as(url).isEqualTo("fileUnavailable");
        return event.properties().stream().map(Map.Entry::getKey)
                .filter(field -> !List.of("seq", "messageId", "at").contains(field))
                .map(field -> field + "=" + event.path(field).asText()).sorted().toList().toString();
    }

    void awaitDelivered(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.heads(id, 1).isEmpty());
    }

    static List<JsonNode> uploadedFiles(String chat) {
        return LIVECHAT.eventsOf(chat).stream().filter(e -> e.path("type").asText().equals("file")).toList();
    }

    static void assertNotFetched(Response answer, String url) {
        assertThat(answer.status()).as(url + ": " + answer.text()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().properties()).as(url).hasSize(NOT_FETCHED.size());
        NOT_FETCHED.forEach((field, value) -> assertThat(answer.json().path(field).asText()).as(url + " " + field)
                .isEqualTo(String.valueOf(value)));
    }

    static String redirectTo(String location) {
        return HOST.url("/to?location=" + URLEncoder.encode(location, StandardCharsets.UTF_8));
    }

    @Test
    void internalAddressesAndOtherSchemesAreRefusedBeforeAnyConnection(CapturedOutput log) {
        String[] conversation = handoff();
        int internal = HOST.internalPort();
        int requestsBefore = HOST.requests.get();
        List<String> refused = List.of(
                "http://127.0.0.1:" + internal + "/x",
                "http://[::1]:" + internal + "/x",
                "http://2130706433:" + internal + "/x",
                "http://2130706433:" + HOST.authority().split(":")[1] + "/files/receipt.txt", // the allowed port, spelled otherwise
                "http://localhost:" + internal + "/x",
                "http://169.254.169.254/latest/meta-data/",
                "http://0.0.0.0:" + internal + "/",
                "file:///etc/passwd",
                "ftp://127.0.0.1:" + internal + "/x",
                "gopher://127.0.0.1:" + internal + "/_x");
        for (String url : refused) {
            assertNotFetched(sendFile(conversation[0], url), url);
        }
        assertThat(HOST.internalConnections.get()).as("connections to the internal service").isZero();
        assertThat(HOST.requests.get()).as("requests to the file host").isEqualTo(requestsBefore);
        assertThat(uploadedFiles(conversation[1])).isEmpty();
        // the reason is in the log, with the conversation; the bot never sees it
        assertThat(log.getOut()).contains("conversation=" + conversation[0] + " file not fetched: 169.254.169.254 resolves to 169.254.169.254 (link-local)")
                .contains("2130706433 resolves to 127.0.0.1 (loopback)")
                .contains("scheme 'file' is not http or https");
    }

    @Test
    void aHostWhoseNameServerNeverAnswersIsRefusedAfterTheDnsTimeout(CapturedOutput log) {
        String[] conversation = handoff();
        String url = "http://slow.files.example/receipt.txt";
        long started = System.nanoTime();
        assertNotFetched(sendFile(conversation[0], url), url);
        // the bot waited for handoff.files.dns-timeout (500 ms), not for the OS resolver's retries
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(log.getOut()).contains("conversation=" + conversation[0]
                + " file not fetched: slow.files.example did not resolve within 500 ms");
        assertThat(uploadedFiles(conversation[1])).isEmpty();
    }

    @Test
    void aClosedPortANonHttpServiceA404AndARefusedAddressLookAlike(CapturedOutput log) {
        String[] conversation = handoff();
        Map<String, String> urls = Map.of(
                "closed port", "http://127.0.0.1:" + HOST.closedPort() + "/x",
                "non-HTTP service", "http://127.0.0.1:" + HOST.notHttpPort() + "/x",
                "404", HOST.url("/nothing-here"),
                "refused address", "http://127.0.0.1:" + HOST.internalPort() + "/x");
        // the refused address is refused at acceptance (400); the others are found out at delivery
        assertNotFetched(sendFile(conversation[0], urls.get("refused address")), "refused address");
        List<String> undelivered = urls.entrySet().stream().filter(url -> !url.getKey().equals("refused address"))
                .map(url -> assertUndelivered(conversation[0], url.getValue())).distinct().toList();
        assertThat(undelivered).as("one event for every reason").hasSize(1);
        assertThat(uploadedFiles(conversation[1])).isEmpty();
        assertThat(log.getOut()).contains("the host answered HTTP 404").contains("failed: HttpHostConnectException");
    }

    @Test
    void redirectsAreFollowedThreeTimesAndEachHopIsChecked(CapturedOutput log) {
        String[] conversation = handoff();
        Response threeHops = sendFile(conversation[0], HOST.url("/hop?n=3"));
        assertThat(threeHops.status()).as(threeHops.text()).isEqualTo(202);
        awaitDelivered(conversation[0]);
        assertThat(uploadedFiles(conversation[1])).hasSize(1);

        assertUndelivered(conversation[0], HOST.url("/hop?n=4"));
        assertUndelivered(conversation[0], redirectTo("http://127.0.0.1:" + HOST.internalPort() + "/secret"));
        assertUndelivered(conversation[0], redirectTo("http://169.254.169.254/latest/meta-data/"));
        assertUndelivered(conversation[0], redirectTo("file:///etc/passwd"));
        assertThat(HOST.internalConnections.get()).isZero();
        assertThat(uploadedFiles(conversation[1])).as("only the three-hop file reached the operator").hasSize(1);
        assertThat(log.getOut()).contains("more than 3 redirects").contains("169.254.169.254 resolves to 169.254.169.254 (link-local)");
    }

    @Test
    void aHugeBodyIsCutOffJustPastTheLimit() {
        String[] conversation = handoff();
        long heapBefore = usedHeap();
        assertUndelivered(conversation[0], HOST.url("/huge"));
        assertThat(usedHeap() - heapBefore).as("heap growth").isLessThan(100L * 1024 * 1024);
        await().atMost(Duration.ofSeconds(30)).untilTrue(HOST.hugeCutOff);
        // 1 MB read, plus what the socket buffers held: far from 200 MB
        assertThat(HOST.hugeBytesSent.get()).isLessThan(50L * 1024 * 1024);
        assertThat(uploadedFiles(conversation[1])).isEmpty();

        // a declared size over the limit is refused at acceptance, with its own answer
        Response declared = bot.post("/api/v1/conversations/" + conversation[0] + "/messages", GatewayClient.json(Map.of(
                "messageId", "declared", "file", Map.of("url", HOST.url("/files/receipt.txt"), "size", 2L * 1024 * 1024))));
        assertThat(declared.status()).as(declared.text()).isEqualTo(413);
    }

    @Test
    void aTricklingBodyIsCutAtTheTotalTimeoutAndTheConversationMovesOn() throws Exception {
        String[] conversation = handoff();
        long started = System.nanoTime();
        CompletableFuture<String> trickled = CompletableFuture.supplyAsync(() -> assertUndelivered(conversation[0], HOST.url("/trickle")));
        await().atMost(Duration.ofSeconds(10)).until(() -> HOST.trickleBytesSent.get() > 0);
        // the conversation's next message waits for the file's turn, which ends at the 2 s total timeout
        Response next = bot.post("/api/v1/conversations/" + conversation[0] + "/messages",
                GatewayClient.json(Map.of("messageId", "after-trickle", "text", "are you there?")));
        assertThat(next.status()).as(next.text()).isEqualTo(202);
        trickled.get(30, TimeUnit.SECONDS);
        awaitDelivered(conversation[0]);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("far less than the 100 s the body takes")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(LIVECHAT.eventsOf(conversation[1])).extracting(e -> e.path("text").asText()).endsWith("are you there?");
        await().atMost(Duration.ofSeconds(30)).untilTrue(HOST.trickleCutOff);
        assertThat(HOST.trickleBytesSent.get()).isLessThan(FileHost.TRICKLE_BYTES);
        assertThat(uploadedFiles(conversation[1])).isEmpty();
    }

    @Test
    void anAllowedFileReachesTheOperator() {
        String[] conversation = handoff();
        Response answer = sendFile(conversation[0], HOST.url("/files/receipt.txt"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        awaitDelivered(conversation[0]);
        assertThat(uploadedFiles(conversation[1])).hasSize(1);
        assertThat(bot.events(conversation[0])).isEmpty();
    }

    @Test
    void theDownloadIsDeletedOnceDeliveredOrRefusedAndAReauthenticatedUploadReusesIt() throws Exception {
        String[] conversation = handoff();
        int requestsBefore = HOST.requests.get();
        // LiveChat refuses the customer token once: the upload is redelivered with a fresh one, from the same file
        LIVECHAT.failNext("upload_file", 1, 401, "authentication");
        Response answer = sendFile(conversation[0], HOST.url("/files/receipt.txt"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        awaitDelivered(conversation[0]);
        assertThat(LIVECHAT.count("upload_file")).isEqualTo(2);
        assertThat(HOST.requests.get() - requestsBefore).as("downloads").isEqualTo(1);
        List<JsonNode> uploaded = uploadedFiles(conversation[1]);
        assertThat(uploaded).hasSize(1);
        assertThat(cdnBytes(uploaded.get(0).path("url").asText())).as("what the operator gets").isEqualTo(FileHost.FILE);
        assertThat(spooled()).as("spool dir after a delivered file").isEmpty();

        // a refusal that is final (400): the exchange ends in failure, and still deletes the file
        LIVECHAT.failNext("upload_file", 1, 400, "validation");
        String messageId = UUID.randomUUID().toString();
        Response refused = bot.post("/api/v1/conversations/" + conversation[0] + "/messages", GatewayClient.json(Map.of(
                "messageId", messageId, "file", Map.of("url", HOST.url("/files/receipt.txt"), "name", "receipt.txt"))));
        assertThat(refused.status()).as(refused.text()).isEqualTo(202);
        awaitDelivered(conversation[0]);
        assertThat(bot.events(conversation[0])).filteredOn(e -> e.path("messageId").asText().equals(messageId))
                .extracting(e -> e.path("type").asText() + " " + e.path("reason").asText())
                .containsExactly("messageUndelivered providerRejected");
        assertThat(HOST.requests.get() - requestsBefore).as("downloads").isEqualTo(2);
        assertThat(uploadedFiles(conversation[1])).hasSize(1);
        assertThat(spooled()).as("spool dir after a refused upload").isEmpty();
    }

    private static byte[] cdnBytes(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
