import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A LiveChat stand-in for bench/run, in a process of its own so its CPU is not the gateway's.
 *
 * <p>It speaks just enough of the accounts service (refresh_token and agent_token grants) and the Customer Chat
 * API v3.6 (get_dynamic_configuration, list_group_statuses, update_customer, start_chat, resume_chat,
 * send_event, deactivate_chat) for the gateway's handoff, relay and close, with the shapes of
 * shared/reference/livechat-api.md: Bearer tokens it issued, organization_id on every call, one chat per
 * customer, chat_inactive after deactivate_chat. It sends no webhooks. It counts every call by method and
 * send_event per chat, for the bench to read:
 *
 * <pre>
 * GET  /_bench/stats           {"calls": {method: n}, "send_events": n, "send_events_per_chat": {chat_id: n},
 *                               "out_of_order": n}  (events whose custom_id m&lt;N&gt; is not above the chat's last one)
 * POST /_bench/reset           zero the counters (state stays)
 * POST /_bench/delay?ms=30     add this much to every LiveChat call from now on
 * </pre>
 *
 * Usage: {@code javac -d DIR LiveChatStandIn.java && java -cp DIR LiveChatStandIn PORT} (prints "ready" once it
 * listens on 127.0.0.1:PORT); relay-bench.py runs it with {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m}.
 *
 * <p>In Java because the Python one (ThreadingHTTPServer) took 0.33 ms of CPU a relayed message from the 2 cores
 * the gateway under test runs on. HTTP/1.1 is hand-written here, like the bots' side in Bots.java: a blocking
 * socket and a thread per keep-alive connection (a delayed call sleeps on its connection's thread only), one
 * write per answer with its Content-Length, TCP_NODELAY. It is the cheaper of the two tried: under Bots.java's
 * direct send_event load (32 customers, C1 only, after 20,000 messages) it took 0.06 ms of CPU a send_event, the
 * JDK's com.sun.net.httpserver.HttpServer (64-thread pool, nodelay) 0.13 ms, which hands each exchange from its
 * selector thread to the executor and back; the Python one took 0.26-0.34 ms in the same runs.
 * A call that fails otherwise than LiveChat would answer (a body that is not JSON, a field the Python one
 * indexed missing) closes the connection unanswered and prints the stack trace, as the Python one did.
 */
public class LiveChatStandIn {

    static final String ORGANIZATION_ID = "390e44e6-f1e6-4c8e-9a6d-74a14508c2e1";
    static final String LICENSE_ID = "104130623";
    static final String CLIENT_ID = "bench-client-id";
    static final String AGENT_TOKEN = "dal:bench-agent-token";
    static final int TOKEN_TTL = 28800;
    static final List<Integer> ONLINE_GROUPS = List.of(0, 1);
    private static final String ACTION = "/v3.6/customer/action/";

    private final Object lock = new Object(); // the state's one lock
    private final Map<String, Integer> calls = new LinkedHashMap<>();
    private final Map<String, Integer> eventsPerChat = new LinkedHashMap<>();
    private final Map<String, BigInteger> lastNumber = new HashMap<>(); // chat_id -> N of the last custom_id m<N>: the bench numbers each chat's messages
    private int outOfOrder;
    private volatile long delayMs;
    private final Map<String, Object> customerTokens = new HashMap<>(); // token -> entity_id
    private final Map<Object, String> chatOfCustomer = new HashMap<>(); // entity_id -> chat_id
    private final Map<String, Boolean> active = new HashMap<>(); // chat_id -> active

    record Answer(int status, Object body) {
    }

    private static final class ApiError extends RuntimeException {
        final int status;
        final String kind;

        ApiError(int status, String kind, String message) {
            super(message, null, false, false);
            this.status = status;
            this.kind = kind;
        }
    }

    public static void main(String[] args) throws IOException {
        LiveChatStandIn standIn = new LiveChatStandIn();
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), Integer.parseInt(args[0])), 256); // many pooled connections open at once
        System.out.println("ready");
        System.out.flush();
        while (true) {
            Socket socket = server.accept();
            Thread connection = new Thread(() -> standIn.serve(socket), "connection");
            connection.setDaemon(true);
            connection.start();
        }
    }

    // ---- HTTP/1.1 ----

    /** One connection's requests, one after another, until the client closes it or asks to. */
    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true); // an answer is one write, but a delayed ACK must not hold it either
            Input in = new Input(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (String requestLine = in.line(); requestLine != null && !requestLine.isEmpty(); requestLine = in.line()) {
                String[] words = requestLine.split(" ");
                if (words.length != 3 || !words[2].startsWith("HTTP/1.")) {
                    send(out, 400, "text/plain", "Bad request syntax", false);
                    return;
                }
                boolean http11 = !words[2].equals("HTTP/1.0");
                Map<String, String> headers = new HashMap<>();
                for (String header = in.line(); header != null && !header.isEmpty(); header = in.line()) {
                    int colon = header.indexOf(':');
                    if (colon > 0) {
                        headers.putIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
                    }
                }
                String connection = headers.getOrDefault("connection", "");
                boolean keepAlive = http11 ? !connection.equalsIgnoreCase("close") : connection.equalsIgnoreCase("keep-alive");
                if (!words[0].equals("GET") && !words[0].equals("POST")) {
                    send(out, 501, "text/plain", "Unsupported method ('" + words[0] + "')", false);
                    return;
                }
                if (http11 && "100-continue".equalsIgnoreCase(headers.get("expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                String length = headers.getOrDefault("content-length", "");
                byte[] body = in.bytes(length.isEmpty() ? 0 : Integer.parseInt(length));
                if (body == null) {
                    return;
                }
                Answer answer = handle(words[0], words[1], headers, body);
                send(out, answer.status(), "application/json", Json.write(answer.body()), keepAlive);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException closed) {
            // the client went away
        } catch (RuntimeException | InterruptedException e) {
            e.printStackTrace(); // unanswered, as the Python one's traceback
        }
    }

    private static void send(OutputStream out, int status, String type, String body, boolean keepAlive) throws IOException {
        byte[] data = body.getBytes(StandardCharsets.UTF_8);
        String reason = switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 501 -> "Not Implemented";
            default -> "";
        };
        byte[] head = ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + type + "\r\nContent-Length: " + data.length
                + (keepAlive ? "" : "\r\nConnection: close") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] answer = new byte[head.length + data.length];
        System.arraycopy(head, 0, answer, 0, head.length);
        System.arraycopy(data, 0, answer, head.length, data.length);
        out.write(answer);
        out.flush();
    }

    /** A connection's input, buffered without the locks of BufferedInputStream. */
    private static final class Input {
        private final InputStream in;
        private final byte[] buffer = new byte[16384];
        private int position;
        private int limit;

        Input(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            position = 0;
            limit = Math.max(in.read(buffer), 0);
            return limit > 0;
        }

        /** A line without its CRLF, ISO-8859-1; null at the end of the stream. */
        String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                if (position == limit && !fill()) {
                    return line.isEmpty() ? null : line.toString();
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) (b & 0xff));
            }
        }

        /** n bytes; null when the stream ends before. */
        byte[] bytes(int n) throws IOException {
            byte[] data = new byte[n];
            for (int read = 0; read < n; ) {
                if (position == limit && !fill()) {
                    return null;
                }
                int chunk = Math.min(n - read, limit - position);
                System.arraycopy(buffer, position, data, read, chunk);
                position += chunk;
                read += chunk;
            }
            return data;
        }
    }

    // ---- LiveChat ----

    Answer handle(String method, String target, Map<String, String> headers, byte[] raw) throws InterruptedException {
        int hash = target.indexOf('#');
        String url = hash < 0 ? target : target.substring(0, hash);
        int question = url.indexOf('?');
        String path = question < 0 ? url : url.substring(0, question);
        String query = question < 0 ? "" : url.substring(question + 1);
        return method.equals("GET") ? get(path, query) : post(path, query, headers, raw);
    }

    private Answer get(String path, String query) throws InterruptedException {
        if (path.equals("/_bench/stats")) {
            synchronized (lock) {
                int sendEvents = eventsPerChat.values().stream().mapToInt(Integer::intValue).sum();
                return new Answer(200, map("calls", new LinkedHashMap<>(calls), "send_events", sendEvents,
                        "send_events_per_chat", new LinkedHashMap<>(eventsPerChat), "out_of_order", outOfOrder));
            }
        }
        if (path.equals(ACTION + "get_dynamic_configuration")) {
            delayed();
            Map<String, List<String>> q = parseQs(query);
            if (!LICENSE_ID.equals(first(q, "license_id")) && !ORGANIZATION_ID.equals(first(q, "organization_id"))) {
                return error(404, "license_not_found", "License not found");
            }
            count("get_dynamic_configuration");
            String group = first(q, "group_id");
            return new Answer(200, map("organization_id", ORGANIZATION_ID, "group_id", Long.parseLong(group == null ? "0" : group.trim()),
                    "client_limit_exceeded", false, "livechat", map("online_group_ids", ONLINE_GROUPS)));
        }
        return error(404, "not_found", "Not found"); // the gateway's readiness probe GETs the base URLs: any answer means reachable
    }

    private Answer post(String path, String query, Map<String, String> headers, byte[] raw) throws InterruptedException {
        if (path.equals("/_bench/reset")) {
            synchronized (lock) {
                calls.clear();
                eventsPerChat.clear();
                outOfOrder = 0;
            }
            return new Answer(200, map());
        }
        if (path.equals("/_bench/delay")) {
            String ms = first(parseQs(query), "ms");
            delayMs = Long.parseLong(ms == null ? "0" : ms.trim());
            return new Answer(200, map());
        }
        delayed();
        try {
            if (path.equals("/accounts/v2/token")) {
                return new Answer(200, refreshGrant(parseQs(new String(raw, StandardCharsets.UTF_8))));
            }
            if (path.equals("/accounts/v2/customer/token")) {
                return new Answer(200, customerGrant(headers, json(raw)));
            }
            if (path.startsWith(ACTION)) {
                String method = path.substring(path.lastIndexOf('/') + 1);
                if (!ORGANIZATION_ID.equals(first(parseQs(query), "organization_id"))) {
                    throw new ApiError(400, "validation", "invalid organization_id");
                }
                Object entity;
                synchronized (lock) {
                    entity = customerTokens.get(bearer(headers));
                }
                if (entity == null) {
                    throw new ApiError(401, "authentication", "Invalid access token");
                }
                if (!headers.getOrDefault("content-type", "").startsWith("application/json")) {
                    throw new ApiError(400, "validation", "Content-Type must be application/json");
                }
                count(method);
                return new Answer(200, customerAction(method, entity, json(raw)));
            }
            return error(404, "not_found", "Not found");
        } catch (ApiError e) {
            return error(e.status, e.kind, e.getMessage());
        }
    }

    private void delayed() throws InterruptedException {
        long ms = delayMs;
        if (ms != 0) {
            Thread.sleep(ms);
        }
    }

    private void count(String method) {
        synchronized (lock) {
            calls.merge(method, 1, Integer::sum);
        }
    }

    private static String bearer(Map<String, String> headers) {
        String value = headers.getOrDefault("authorization", "");
        return value.startsWith("Bearer ") ? value.substring(7) : null;
    }

    private Map<String, Object> refreshGrant(Map<String, List<String>> form) {
        if (!List.of("refresh_token").equals(form.get("grant_type")) || !List.of(CLIENT_ID).equals(form.get("client_id"))) {
            throw new ApiError(400, "invalid_grant", "invalid refresh_token or client_id");
        }
        count("token");
        return map("access_token", AGENT_TOKEN, "account_id", "bench", "expires_in", TOKEN_TTL,
                "organization_id", ORGANIZATION_ID, "scope", "customers:own", "token_type", "Bearer");
    }

    private Map<String, Object> customerGrant(Map<String, String> headers, Object body) {
        if (!AGENT_TOKEN.equals(bearer(headers))) {
            throw new ApiError(401, "invalid_request", "invalid agent token");
        }
        if (!"agent_token".equals(get(body, "grant_type", null)) || !CLIENT_ID.equals(get(body, "client_id", null))
                || !"token".equals(get(body, "response_type", null))) {
            throw new ApiError(400, "invalid_request", "grant_type agent_token, client_id and response_type token are required");
        }
        count("customer_token");
        Object given = get(body, "entity_id", null);
        Object entity = truthy(given) ? given : UUID.randomUUID().toString();
        String token = "dal:cust-" + UUID.randomUUID().toString().replace("-", "");
        synchronized (lock) {
            customerTokens.put(token, entity);
        }
        return map("access_token", token, "client_id", CLIENT_ID, "entity_id", entity, "expires_in", TOKEN_TTL,
                "token_type", "Bearer", "organization_id", ORGANIZATION_ID);
    }

    private Map<String, Object> customerAction(String method, Object entity, Object body) {
        if (method.equals("list_group_statuses")) {
            Map<String, Object> statuses = new LinkedHashMap<>();
            for (Object group : (List<?>) get(body, "group_ids", List.of())) {
                statuses.put(pyStr(group), online(group) ? "online" : "offline");
            }
            return map("groups_status", statuses);
        }
        if (method.equals("update_customer")) {
            return map();
        }
        if (method.equals("start_chat")) {
            String chat;
            synchronized (lock) {
                if (active.get(chatOfCustomer.get(entity)) != null) {
                    throw new ApiError(400, "validation", "Chat limit reached");
                }
                chat = newId("CH");
                chatOfCustomer.put(entity, chat);
                active.put(chat, true);
            }
            List<Object> eventIds = new ArrayList<>();
            for (Object ignored : (List<?>) get(get(get(body, "chat", map()), "thread", map()), "events", List.of())) {
                eventIds.add(newId(""));
            }
            return map("chat_id", chat, "thread_id", newId("TH"), "event_ids", eventIds);
        }
        // all three looked up for every method, as the Python one's dict literal did
        Object resumed = get(get(body, "chat", map()), "id", null);
        Object deactivated = get(body, "id", null);
        Object named = get(body, "chat_id", null);
        Object chat = method.equals("resume_chat") ? resumed : method.equals("deactivate_chat") ? deactivated : named;
        synchronized (lock) {
            if (!Objects.equals(chatOfCustomer.get(entity), chat)) {
                throw new ApiError(400, "validation", "Chat not found");
            }
            String id = (String) chat; // the customer's chat: a string, or null when it has none (then active.get fails, as in Python)
            if (method.equals("resume_chat")) {
                if (active.get(id)) {
                    throw new ApiError(400, "chat_already_active", "Chat is already active");
                }
                active.put(id, true);
                return map("thread_id", newId("TH"));
            }
            if (!active.get(id)) {
                throw new ApiError(400, "chat_inactive", "Chat is inactive");
            }
            if (method.equals("send_event")) {
                eventsPerChat.merge(id, 1, Integer::sum);
                String customId = pyStr(get(get(body, "event", map()), "custom_id", ""));
                String digits = customId.startsWith("m") ? customId.substring(1) : "";
                if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
                    BigInteger number = new BigInteger(digits);
                    if (number.compareTo(lastNumber.getOrDefault(id, BigInteger.ZERO)) <= 0) {
                        outOfOrder++;
                    }
                    lastNumber.put(id, number);
                }
                return map("event_id", newId(""));
            }
            if (method.equals("deactivate_chat")) {
                active.put(id, false);
                return map();
            }
        }
        throw new ApiError(400, "validation", "unknown method " + method);
    }

    // ---- helpers: Python's semantics where the Python one relied on them ----

    private static Answer error(int status, String kind, String message) {
        return new Answer(status, map("error", map("type", kind, "message", message)));
    }

    /** uuid4().hex[:10].upper(): 40 random bits, 10 upper-case hex digits. */
    private static String newId(String prefix) {
        long bits = ThreadLocalRandom.current().nextLong(1L << 40) | (1L << 40);
        return prefix + Long.toHexString(bits).substring(1).toUpperCase(Locale.ROOT);
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** dict.get(key, otherwise): fails on anything but an object, like Python's AttributeError. */
    private static Object get(Object object, String key, Object otherwise) {
        return ((Map<?, ?>) Objects.requireNonNull(object)).containsKey(key) ? ((Map<?, ?>) object).get(key) : otherwise;
    }

    /** json.loads(raw or b"{}") */
    private static Object json(byte[] raw) {
        return raw.length == 0 ? map() : Json.read(new String(raw, StandardCharsets.UTF_8));
    }

    /** parse_qs: blank values dropped, every value of a name kept. */
    private static Map<String, List<String>> parseQs(String query) {
        Map<String, List<String>> values = new HashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals >= 0 && equals < pair.length() - 1) {
                values.computeIfAbsent(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8), name -> new ArrayList<>())
                        .add(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String first(Map<String, List<String>> values, String name) {
        List<String> list = values.get(name);
        return list == null ? null : list.get(0);
    }

    private static boolean truthy(Object value) {
        return value != null && !Boolean.FALSE.equals(value) && !"".equals(value)
                && !(value instanceof Number n && n.doubleValue() == 0)
                && !(value instanceof List<?> l && l.isEmpty()) && !(value instanceof Map<?, ?> m && m.isEmpty());
    }

    /** Python's str() of a JSON value (for numbers and strings as Python prints them). */
    private static String pyStr(Object value) {
        return value == null ? "None" : value instanceof Boolean b ? (b ? "True" : "False") : value.toString();
    }

    /** `group in ONLINE_GROUPS`: 1, 1.0 and True are all equal to 1 in Python. */
    private static boolean online(Object group) {
        Object number = group instanceof Boolean b ? (b ? 1 : 0) : group;
        return number instanceof Number n && ONLINE_GROUPS.stream().anyMatch(g -> g == n.doubleValue());
    }

    /** Just enough JSON: objects into LinkedHashMap, arrays into ArrayList, integers into Long (BigInteger if larger), other numbers into Double. */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object read(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.at != text.length()) {
                throw json.fail("extra data");
            }
            return value;
        }

        private Object value() {
            space();
            if (at == text.length()) {
                throw fail("expecting a value");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{': {
                    at++;
                    Map<String, Object> object = new LinkedHashMap<>();
                    space();
                    if (peek() == '}') {
                        at++;
                        return object;
                    }
                    while (true) {
                        space();
                        if (peek() != '"') {
                            throw fail("expecting a property name");
                        }
                        String key = string();
                        space();
                        expect(':');
                        object.put(key, value());
                        space();
                        if (peek() == '}') {
                            at++;
                            return object;
                        }
                        expect(',');
                    }
                }
                case '[': {
                    at++;
                    List<Object> array = new ArrayList<>();
                    space();
                    if (peek() == ']') {
                        at++;
                        return array;
                    }
                    while (true) {
                        array.add(value());
                        space();
                        if (peek() == ']') {
                            at++;
                            return array;
                        }
                        expect(',');
                    }
                }
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private String string() {
            at++; // the opening quote
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw fail("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw fail("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= text.length()) {
                    throw fail("unterminated string");
                }
                char e = text.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw fail("invalid \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(at++), 16);
                            if (digit < 0) {
                                throw fail("invalid \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        out.append((char) code); // a surrogate pair is two escapes, joined in the String
                    }
                    default -> throw fail("invalid escape");
                }
            }
        }

        private Object number() {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            if (peek() == '0') {
                at++;
            } else if (!digits()) {
                throw fail("expecting a value");
            }
            boolean integer = true;
            if (peek() == '.') {
                at++;
                integer = false;
                if (!digits()) {
                    throw fail("expecting digits");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                integer = false;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                if (!digits()) {
                    throw fail("expecting digits");
                }
            }
            String number = text.substring(start, at);
            if (!integer) {
                return Double.parseDouble(number);
            }
            BigInteger big = new BigInteger(number);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }

        private boolean digits() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            return at > start;
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw fail("expecting a value");
            }
            at += word.length();
            return value;
        }

        private void space() {
            while (at < text.length() && " \t\n\r".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw fail("expecting '" + c + "'");
            }
            at++;
        }

        private IllegalArgumentException fail(String what) {
            return new IllegalArgumentException("JSON: " + what + " at " + at);
        }

        /** json.dumps: ", " and ": " separators, everything outside ASCII's printable range escaped. */
        static String write(Object value) {
            StringBuilder out = new StringBuilder(128);
            write(out, value);
            return out.toString();
        }

        private static void write(StringBuilder out, Object value) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof String s) {
                writeString(out, s);
            } else if (value instanceof Map<?, ?> map) {
                out.append('{');
                String separator = "";
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(separator);
                    writeString(out, String.valueOf(entry.getKey()));
                    out.append(": ");
                    write(out, entry.getValue());
                    separator = ", ";
                }
                out.append('}');
            } else if (value instanceof List<?> list) {
                out.append('[');
                String separator = "";
                for (Object item : list) {
                    out.append(separator);
                    write(out, item);
                    separator = ", ";
                }
                out.append(']');
            } else {
                out.append(value); // numbers, true, false
            }
        }

        private static void writeString(StringBuilder out, String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20 || c > 0x7e) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
