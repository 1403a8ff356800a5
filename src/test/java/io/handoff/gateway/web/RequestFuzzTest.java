package io.handoff.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.fakes.FakeLiveChat;
import io.handoff.gateway.fakes.FakeLiveTex;
import io.handoff.gateway.support.RawHttp;

/**
 * A bounded fuzzer over every door: the bot API, both platform webhooks and the JAICP Operator API get
 * random and mutated bodies, headers, path spellings and encodings. Whatever arrives, the gateway never
 * answers 5xx, every 4xx is problem+json, and a refused call changes nothing: no row in the database, no
 * call to an operator platform. Seeded, so a failure is reproduced with {@code -Dfuzz.seed=<seed>}; the
 * number of cases is {@code -Dfuzz.cases} (default 1500), bounded by {@code -Dfuzz.seconds} (default 40).
 */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RequestFuzzTest {

    static final String KEY = "fuzz-bot-key-0123456789abcdef";
    static final String LIVECHAT_SECRET = "fuzz-livechat-secret";
    static final String LIVETEX_KEY = "fuzz-livetex-webhook-key";
    static final String CHANNEL_KEY = "fuzz-channel-key";
    static final FakeLiveChat LIVECHAT = FakeLiveChat.start();
    static final FakeLiveTex LIVETEX = FakeLiveTex.start();
    static final String[] TABLES = {"conversation", "provider_account", "conversation_event", "processed_key",
            "jaicp_channel"};

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("handoff.api.keys", () -> KEY);
        registry.add("handoff.api.max-body-bytes", () -> "32KB");
        registry.add("handoff.destinations.support.provider", () -> "livechat");
        registry.add("handoff.default-destination", () -> "support");
        registry.add("handoff.destinations.support.group-ids", () -> "1");
        registry.add("handoff.destinations.sales.provider", () -> "livetex");
        registry.add("handoff.destinations.sales.group-ids", () -> "54321");
        LIVECHAT.configure(registry, LIVECHAT_SECRET);
        registry.add("handoff.livetex.api-url", LIVETEX::apiUrl);
        registry.add("handoff.livetex.key", () -> FakeLiveTex.KEY);
        registry.add("handoff.livetex.webhook-key", () -> LIVETEX_KEY);
        registry.add("handoff.jaicp.channels.shop.key", () -> CHANNEL_KEY);
        registry.add("handoff.retry.max-redeliveries", () -> "0");
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:fuzz;DB_CLOSE_DELAY=-1");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    /** One request as it goes on the wire. */
    record Case(String method, String target, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return method + " " + target + " " + headers.keySet() + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void operatorsOnline() {
        LIVECHAT.groupStatus(1, "online");
        LIVETEX.destination("54321", "Sales", true);
    }

    @Test
    void noInputMakesTheGatewayFailOrChangeAnythingWhenRefused() {
        long seed = Long.getLong("fuzz.seed", 20261201L);
        int cases = Integer.getInteger("fuzz.cases", 1500);
        long deadline = System.nanoTime() + Integer.getInteger("fuzz.seconds", 40) * 1_000_000_000L;
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        int tried = 0;
        int accepted = 0;
        int refused = 0;
        long rows = rows();
        long answers = rememberedAnswers();
        int upstream = upstreamCalls();
        while (tried < cases && System.nanoTime() < deadline && failures.size() < 10) {
            Case request = nextCase(random);
            tried++;
            RawHttp.Response response;
            try {
                response = RawHttp.send(port, request.method(), request.target(), request.headers(), request.body());
            } catch (IllegalStateException e) {
                failures.add("no answer: " + e.getMessage() + " for " + request);
                continue;
            }
            long rowsAfter = rows();
            long answersAfter = rememberedAnswers();
            int upstreamAfter = upstreamCalls();
            if (response.status() >= 500) {
                failures.add(response.status() + " " + response.body() + " for " + request);
            } else if (response.status() >= 400) {
                refused++;
                if (!response.contentType().startsWith("application/problem+json")
                        || !response.json().path("type").asText().startsWith("urn:handoff:problem:")
                        || response.json().path("status").asInt() != response.status()) {
                    failures.add("not problem+json: " + response.status() + " " + response.contentType() + " "
                            + response.body() + " for " + request);
                }
                // a 409 to a handoff is an answer the contract keeps for its requestId (a repeat gets it again);
                // every other refusal is about the input itself and keeps nothing
                boolean answerKept = response.status() == 409 && answersAfter == answers + 1;
                if (rowsAfter != rows || upstreamAfter != upstream || (answersAfter != answers && !answerKept)) {
                    failures.add("refused with " + response.status() + " but changed rows " + rows + "->" + rowsAfter
                            + ", requestId answers " + answers + "->" + answersAfter
                            + ", platform calls " + upstream + "->" + upstreamAfter + " for " + request);
                }
            } else {
                accepted++;
            }
            rows = rowsAfter;
            answers = answersAfter;
            upstream = upstreamAfter;
        }
        System.out.printf("fuzzer: %d cases tried (seed %d): %d accepted, %d refused, %d failures%n",
                tried, seed, accepted, refused, failures.size());
        assertThat(failures).as("seed " + seed).isEmpty();
        assertThat(tried).as("cases tried in the time allowed").isGreaterThan(200);
    }

    long rows() {
        long total = 0;
        for (String table : TABLES) {
            total += jdbc.queryForObject("select count(*) from " + table, Long.class);
        }
        return total;
    }

    long rememberedAnswers() {
        return jdbc.queryForObject("select count(*) from handoff_request", Long.class);
    }

    int upstreamCalls() {
        return LIVECHAT.totalCount() + LIVETEX.totalCount();
    }

    // ------------------------------------------------------------------ the generator

    static final String[] IDS = {"fuzz-1", "fuzz:2", "a", "x".repeat(128), "x".repeat(129), "", "sp ace", "ü",
            "a/b", "a\nb", "..", "%2e", "null", "0", "fuzz.5@x"};

    Case nextCase(Random random) {
        String id = pick(random, IDS);
        String encodedId = percentEncode(id);
        Case base = switch (random.nextInt(9)) {
            case 0 -> json("POST", "/api/v1/handoffs", handoff(random, id));
            case 1 -> json("POST", "/api/v1/conversations/" + encodedId + "/messages", message(random));
            case 2 -> json("POST", "/api/v1/conversations/" + encodedId + "/close", "{\"text\":\"bye\"}");
            case 3 -> new Case("GET", "/api/v1/conversations/" + encodedId, new LinkedHashMap<>(), null);
            case 4 -> new Case("GET", "/api/v1/conversations/" + encodedId + "/events?after="
                    + pick(random, "0", "-1", "x", "99999999999999999999", "") + "&wait=" + pick(random, "0", "31", "-1", "a"),
                    new LinkedHashMap<>(), null);
            case 5 -> json("POST", "/webhooks/livechat", livechatWebhook(random));
            case 6 -> json("POST", "/webhooks/livetex", livetexWebhook(random));
            case 7 -> json("POST", "/jaicp/" + pick(random, CHANNEL_KEY, "wrong-key", "") + "/"
                    + pick(random, "sendText", "sendFile", "closeChat", "selectDestination", "setWebhook", "getDestinations", "nope"),
                    jaicp(random, id));
            default -> json("POST", "/api/v1/handoffs", "{\"conversationId\":\"" + id + "\"}");
        };
        if (base.target().startsWith("/api/") && random.nextInt(5) > 0) {
            base.headers().put("Authorization", "Bearer " + (random.nextInt(8) == 0 ? KEY + "x" : KEY));
        }
        return mutate(random, base);
    }

    Case mutate(Random random, Case base) {
        String target = base.target();
        Map<String, String> headers = base.headers();
        byte[] body = base.body();
        int mutations = random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            switch (random.nextInt(10)) {
                case 0 -> target = spell(random, target);
                case 1 -> headers.put("Content-Type", pick(random, "text/plain", "application/json; charset=ISO-8859-1",
                        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/JSON", "*/*"));
                case 2 -> headers.remove("Content-Type");
                case 3 -> headers.put(pick(random, "X-Forwarded-For", "Accept", "X-Custom", "Accept-Charset"),
                        pick(random, "\u0001\u0002", "ä", "a".repeat(2000), "*/*", "text/html"));
                case 4 -> body = body == null ? randomBytes(random) : flipBytes(random, body);
                case 5 -> body = body == null ? null : truncate(random, body);
                case 6 -> body = randomJson(random).getBytes(StandardCharsets.UTF_8);
                case 7 -> body = randomBytes(random);
                case 8 -> body = deepNesting(random);
                default -> target = target + pick(random, "?x=%zz", "?after=%00", "?%00=1", "?a%0Ab=1", "#frag", "?wait=1&wait=2",
                        "?" + "q".repeat(3000));
            }
        }
        if (target.contains("#")) {
            target = target.substring(0, target.indexOf('#'));
        }
        return new Case(base.method(), target, headers, body);
    }

    static String spell(Random random, String target) {
        String[] segments = target.split("/", -1);
        int at = 1 + random.nextInt(Math.max(1, segments.length - 1));
        String segment = at < segments.length ? segments[at] : "";
        String spelled = switch (random.nextInt(12)) {
            case 0 -> segment + ";x=1";
            case 1 -> segment.isEmpty() ? "%2e" : "%" + String.format("%02X", (int) segment.charAt(0)) + segment.substring(1);
            case 2 -> segment.toUpperCase();
            case 3 -> "." + "/" + segment;
            case 4 -> ".." + "/" + segment;
            case 5 -> "/" + segment;
            case 6 -> segment + "%2F";
            case 7 -> segment + "%00";
            case 8 -> segment + "%zz";
            case 9 -> segment + "%25";
            case 10 -> segment + "%E2%80%A8";
            default -> segment + "\\";
        };
        if (at < segments.length) {
            segments[at] = spelled;
        }
        return String.join("/", segments).replace("\\", "%5C");
    }

    String handoff(Random random, String id) {
        return "{\"conversationId\":\"" + jsonText(id) + "\",\"requestId\":\"r-" + random.nextInt(5) + "\","
                + "\"switch\":{\"destination\":\"" + pick(random, "support", "sales", "nowhere", "") + "\","
                + "\"firstMessage\":" + pick(random, "\"hi\"", "null", "1", "[]", "\"" + "y".repeat(17_000) + "\"") + ","
                + "\"closeChatPhrases\":" + pick(random, "[\"bye\"]", "\"bye\"", "[1]", "{}") + ","
                + "\"sendMessageHistoryAmount\":" + pick(random, "5", "-1", "1e400", "\"5\"", "99999999999") + "},"
                + "\"history\":" + pick(random, "[]", "[{\"from\":\"client\",\"text\":\"hi\"}]", "[{\"from\":\"robot\"}]", "{}", "null")
                + "}";
    }

    String message(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "{\"messageId\":\"m-" + random.nextInt(5) + "\",\"text\":\"" + pick(random, "hello", "bye", "/close", "") + "\"}";
            case 1 -> "{\"messageId\":\"m-f\",\"file\":{\"url\":\"" + pick(random, "http://127.0.0.1:1/x", "file:///etc/passwd",
                    "ftp://x/y", "not a url", "http://[::1]/") + "\",\"size\":" + pick(random, "1", "-1", "\"big\"") + "}}";
            case 2 -> "{\"text\":\"no id\"}";
            default -> "{\"messageId\":" + pick(random, "1", "null", "[]", "\"" + "m".repeat(200) + "\"") + "}";
        };
    }

    String livechatWebhook(Random random) {
        String secret = pick(random, LIVECHAT_SECRET, "wrong", "");
        return "{\"webhook_id\":\"w-" + random.nextInt(1000) + "\",\"secret_key\":\"" + secret + "\",\"action\":\""
                + pick(random, "incoming_event", "user_added_to_chat", "chat_deactivated", "chat_transferred", "other\\nline")
                + "\",\"payload\":" + pick(random, "{}", "{\"chat_id\":\"NOPE\",\"event\":{\"type\":\"message\",\"text\":\"hi\"}}",
                "[]", "null", "{\"chat_id\":1}") + "}";
    }

    String livetexWebhook(Random random) {
        return "{\"id\":\"lt-" + random.nextInt(1000) + "\",\"webhook_key\":\"" + pick(random, LIVETEX_KEY, "wrong") + "\","
                + "\"type\":\"" + pick(random, "TextMessage", "FileMessage", "Closed", "SelectDestination", "HoldMessage", "Bogus")
                + "\",\"user_id\":\"" + pick(random, "nobody", "", "x".repeat(300)) + "\",\"text\":\"hi\"}";
    }

    String jaicp(Random random, String id) {
        return "{\"chatId\":\"" + jsonText(id) + "\",\"channelUserId\":\"" + jsonText(id) + "\",\"text\":\"hi\","
                + "\"url\":\"" + pick(random, "http://127.0.0.1:1/hook", "javascript:alert(1)", "") + "\","
                + "\"destination\":\"" + pick(random, "support", "sales", "none") + "\"}";
    }

    static Case json(String method, String target, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        return new Case(method, target, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    static String randomJson(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "[]";
            case 1 -> "null";
            case 2 -> "\"just a string\"";
            case 3 -> "{\"a\":1,\"a\":2}";
            case 4 -> "{}";
            case 5 -> "{\"conversationId\":\"fuzz-1\"} trailing";
            case 6 -> "{\"conversationId\":\"\\ud800\"}";
            default -> "{\"n\":" + "1".repeat(random.nextInt(400) + 1) + "}";
        };
    }

    static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    static byte[] flipBytes(Random random, byte[] body) {
        byte[] copy = body.clone();
        for (int i = 0; i < 1 + random.nextInt(4) && copy.length > 0; i++) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    static byte[] truncate(Random random, byte[] body) {
        byte[] copy = new byte[body.length == 0 ? 0 : random.nextInt(body.length)];
        System.arraycopy(body, 0, copy, 0, copy.length);
        return copy;
    }

    static byte[] deepNesting(Random random) {
        int depth = 500 + random.nextInt(3000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"a\":".repeat(depth).getBytes(StandardCharsets.UTF_8));
        out.writeBytes("1".getBytes(StandardCharsets.UTF_8));
        out.writeBytes("}".repeat(depth).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String percentEncode(String id) {
        StringBuilder out = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-._~:@".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    static String jsonText(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @SafeVarargs
    static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }
}
