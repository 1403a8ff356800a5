package io.handoff.gateway.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.support.GatewayClient;
import io.handoff.gateway.support.GatewayClient.Response;

/**
 * The bundle an ESB host deploys, as built by {@code mvn package}: unpacked, started with its own start
 * script against a fake LiveChat, watched over remote JMX, stopped with SIGTERM in the middle of a
 * handoff, then started again with an edited route in {@code routes/}, which is what runs.
 */
class BundleIT {

    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final String API_KEY = "bundle-bot-key";
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    Process gateway;

    @AfterEach
    void stopGateway() throws InterruptedException {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopFake() {
        LIVECHAT.close();
    }

    @Test
    void theBundleRunsAHandoffShutsDownGracefullyAndRunsTheRoutesFromItsRoutesFolder() throws Exception {
        Path home = unpack();
        assertThat(home.resolve("lib/handoff-gateway.jar")).isRegularFile();
        assertThat(home.resolve("config/application.yaml")).content().contains("routes-include-pattern: file:routes/*.yaml");
        assertThat(home.resolve("systemd/handoff-gateway.service")).content().contains("ExecStart=/opt/handoff-gateway/bin/handoff-gateway");
        assertThat(home.resolve("routes/switch-intake.camel.yaml")).isRegularFile();
        assertThat(home.resolve("bin/handoff-gateway")).isExecutable();
        assertZipHasTheSameLayout(home);

        LIVECHAT.groupStatus(1, "online");
        int port = freePort();
        int jmxPort = freePort();
        GatewayClient bot = new GatewayClient(port, API_KEY);

        // 1. start, hand a conversation over, read the gateway over remote JMX
        gateway = start(home, port, jmxPort);
        Response first = bot.post("/api/v1/handoffs", GatewayClient.json(Map.of("conversationId", "bundle-1",
                "switch", Map.of("firstMessage", "hello from the bundle"))));
        assertThat(first.status()).isEqualTo(201);
        assertThat(bot.get("/api/v1/conversations/bundle-1").text()).doesNotContain("editedInPlace");
        try (JMXConnector connector = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            assertThat(jmx.getAttribute(new ObjectName("handoff:type=Handoffs"), "Started")).isEqualTo(1L);
            assertThat(String.valueOf(jmx.getAttribute(new ObjectName(
                    "org.apache.camel:context=handoff-gateway,type=context,name=\"handoff-gateway\""),
                    "ManagementStatisticsLevel"))).isEqualTo("Extended");
            assertThat(jmx.getAttribute(new ObjectName(
                    "org.apache.camel:context=handoff-gateway,type=routes,name=\"livechat-start-chat\""),
                    "ExchangesCompleted")).isEqualTo(1L);
        }

        // 2. SIGTERM while a handoff waits on LiveChat: it still completes, and is kept
        LIVECHAT.delayNext("start_chat", 1, Duration.ofSeconds(2));
        int startChats = LIVECHAT.count("start_chat");
        CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> bot.post("/api/v1/handoffs",
                GatewayClient.json(Map.of("conversationId", "bundle-2", "switch", Map.of("firstMessage", "still there?")))));
        waitUntil(() -> LIVECHAT.count("start_chat") > startChats, Duration.ofSeconds(20), "the handoff reached LiveChat");
        gateway.destroy(); // SIGTERM, as systemd stops it
        Response kept = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(kept.status()).as(() -> kept.text() + "\n" + tail(home)).isEqualTo(201);
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).as("the gateway stopped").isTrue();

        // 3. an edited route in routes/ is the one that runs after a restart
        Path view = home.resolve("routes/conversation-view.camel.yaml");
        Files.writeString(view, Files.readString(view).replace(
                "        - bean: {ref: apiResponse, method: ok}",
                "        - bean: {ref: apiResponse, method: ok}\n"
                        + "        - setHeader: {name: X-Route-Source, constant: editedInPlace}"));
        gateway = start(home, port, jmxPort);
        Response edited = bot.get("/api/v1/conversations/bundle-2");
        assertThat(edited.status()).as(() -> edited.text() + "\n" + tail(home)).isEqualTo(200);
        assertThat(edited.json().path("state").asText()).isEqualTo("WAITING"); // the H2 file in data/ kept it
        assertThat(header(bot, "/api/v1/conversations/bundle-2", "X-Route-Source")).isEqualTo("editedInPlace");
        gateway.destroy();
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(home.resolve("data")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("handoff"));
        String log = Files.readString(home.resolve("logs/handoff-gateway.log"));
        assertThat(log).contains("conversation=bundle-1 handoff started", "conversation=bundle-2 handoff started")
                .doesNotContain(FakeLiveChat.CLIENT_SECRET, FakeLiveChat.REFRESH_TOKEN, API_KEY, "dal:",
                        "hello from the bundle");
    }

    /**
     * Unpacks the tar.gz with tar, so the start script's mode bits come from the archive. The previous
     * run's copy is removed first; the last one stays in target/ to look at when something failed.
     */
    static Path unpack() throws IOException, InterruptedException {
        Path archive = Path.of(System.getProperty("handoff.bundle", "target/handoff-gateway-bundle.tar.gz"));
        assertThat(archive).as("built by mvn package").isRegularFile();
        try (Stream<Path> previous = Files.list(archive.getParent())) {
            for (Path old : previous.filter(p -> p.getFileName().toString().startsWith("bundle-it-")).toList()) {
                FileSystemUtils.deleteRecursively(old);
            }
        }
        Path into = Files.createTempDirectory(archive.getParent(), "bundle-it-");
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", into.toString())
                .inheritIO().start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).as("tar -xzf").isTrue();
        return into.resolve("handoff-gateway");
    }

    static void assertZipHasTheSameLayout(Path home) throws IOException {
        String tarGz = System.getProperty("handoff.bundle", "");
        Path zip = Path.of(tarGz.replace(".tar.gz", ".zip"));
        assertThat(zip).isRegularFile();
        Set<String> unpacked;
        try (Stream<Path> files = Files.walk(home)) {
            unpacked = files.filter(Files::isRegularFile)
                    .map(p -> "handoff-gateway/" + home.relativize(p).toString().replace(File.separatorChar, '/'))
                    .collect(Collectors.toSet());
        }
        try (ZipFile entries = new ZipFile(zip.toFile())) {
            Set<String> zipped = entries.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName)
                    .collect(Collectors.toSet());
            assertThat(zipped).isEqualTo(unpacked);
        }
    }

    /** Starts the bundle the way its systemd unit does: bin/handoff-gateway, settings in the environment. */
    static Process start(Path home, int port, int jmxPort) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/handoff-gateway").toString())
                .directory(home.getParent().toFile()) // the script finds its home itself
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.out").toFile()));
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", String.join(" ",
                "-XX:TieredStopAtLevel=1", // the test machine is small: start fast
                "-Dcom.sun.management.jmxremote.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false"));
        env.put("SERVER_PORT", String.valueOf(port));
        env.put("HANDOFF_API_KEYS", API_KEY);
        env.put("HANDOFF_DESTINATIONS_SUPPORT_GROUPIDS", "1");
        env.put("HANDOFF_LIVECHAT_APIURL", LIVECHAT.apiUrl());
        env.put("HANDOFF_LIVECHAT_ACCOUNTSURL", LIVECHAT.accountsUrl());
        env.put("HANDOFF_LIVECHAT_CLIENTID", FakeLiveChat.CLIENT_ID);
        env.put("HANDOFF_LIVECHAT_REFRESHTOKEN", FakeLiveChat.REFRESH_TOKEN);
        env.put("HANDOFF_LIVECHAT_CLIENTSECRET", FakeLiveChat.CLIENT_SECRET);
        Process process = builder.start();
        GatewayClient actuator = new GatewayClient(port, null);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the bundle exited with " + process.exitValue() + ":\n" + tail(home));
            }
            if (ready(actuator)) {
                return process;
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        return fail("the bundle was not ready within " + START_TIMEOUT + ":\n" + tail(home));
    }

    static boolean ready(GatewayClient actuator) {
        try {
            return actuator.get("/actuator/health/readiness").status() == 200;
        } catch (IllegalStateException notListeningYet) {
            return false;
        }
    }

    static String header(GatewayClient bot, String path, String name) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(bot.request(path).GET().build(), HttpResponse.BodyHandlers.discarding())
                .headers().firstValue(name).orElse(null);
    }

    static void waitUntil(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    static String tail(Path home) {
        try {
            String console = Files.readString(home.resolve("console.out"), StandardCharsets.UTF_8);
            return console.substring(Math.max(0, console.length() - 4000));
        } catch (IOException e) {
            return "(no console output: " + e + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
