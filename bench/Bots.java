import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bench's load: many bots posting one message after another, each as soon as its last one is answered.
 * In Java, in a process of its own, so that the load costs little of the 2 cores it shares with the gateway
 * (Python threads cost about as much CPU per message as the gateway did). Each bot speaks HTTP/1.1 on a plain
 * socket of its own, one request in one write, blocking reads: the JDK's HttpClient cost 0.8 ms of CPU a
 * message (selector thread, futures, two thread switches per call), a third of the 2 cores at the rates
 * measured, which is CPU the gateway did not get. Run by relay-bench.py with
 * {@code java bench/Bots.java}; prints "ready", starts on a line from stdin, prints one JSON line of results.
 *
 * <pre>
 * gateway BASE_URL API_KEY TOTAL CONVERSATION_ID...   POST BASE_URL/api/v1/conversations/{id}/messages, a thread per conversation
 * direct  BASE_URL AGENT_TOKEN TOTAL THREADS ORGANIZATION_ID CLIENT_ID   send_event straight to the LiveChat stand-in
 * </pre>
 * Each thread numbers its messages m1, m2, ... (the stand-in checks each chat's order by them); TOTAL is shared.
 */
public class Bots {

    private static final Pattern FIELD = Pattern.compile("\"(access_token|chat_id)\"\\s*:\\s*\"([^\"]+)\"");

    private final ThreadLocal<Connection> connections = new ThreadLocal<>();
    private final AtomicInteger remaining;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicLong lastAccept = new AtomicLong();
    private final List<long[]> latencies = new ArrayList<>();
    private final Map<String, Integer> acceptedOf = new ConcurrentHashMap<>();

    private Bots(int total) {
        remaining = new AtomicInteger(total);
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String base = args[1];
        Bots bots = new Bots(Integer.parseInt(args[3]));
        List<Runnable> work = new ArrayList<>();
        if (mode.equals("gateway")) {
            for (String id : Arrays.copyOfRange(args, 4, args.length)) {
                work.add(bots.gatewayBot(base, args[2], id));
            }
        } else {
            for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                work.add(bots.directCustomer(base, args[2], args[5], args[6]));
            }
        }
        System.out.println("ready");
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        long started = System.nanoTime();
        List<Thread> threads = work.stream().map(Thread::new).toList();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        System.out.println(bots.results(started));
    }

    private Runnable gatewayBot(String base, String apiKey, String conversationId) {
        URI uri = URI.create(base + "/api/v1/conversations/" + conversationId + "/messages");
        return () -> {
            for (int n = 1; remaining.getAndDecrement() > 0; n++) {
                String body = "{\"messageId\":\"m" + n + "\",\"text\":\"message " + n + " of " + conversationId + "\"}";
                int status = post(uri, "Bearer " + apiKey, body, true).statusCode;
                if (status >= 200 && status < 300) {
                    acceptedOf.merge(conversationId, 1, Integer::sum);
                } else {
                    refused.incrementAndGet();
                }
            }
        };
    }

    private Runnable directCustomer(String base, String agentToken, String organizationId, String clientId) {
        return () -> {
            String token = field(post(URI.create(base + "/accounts/v2/customer/token"), "Bearer " + agentToken,
                    "{\"grant_type\":\"agent_token\",\"client_id\":\"" + clientId + "\",\"response_type\":\"token\"}", false).body);
            String action = base + "/v3.6/customer/action/%s?organization_id=" + organizationId;
            String chat = field(post(URI.create(action.formatted("start_chat")), "Bearer " + token,
                    "{\"chat\":{\"access\":{\"group_ids\":[0]}}}", false).body);
            URI sendEvent = URI.create(action.formatted("send_event"));
            for (int n = 1; remaining.getAndDecrement() > 0; n++) {
                post(sendEvent, "Bearer " + token, "{\"chat_id\":\"" + chat + "\",\"event\":{\"type\":\"message\",\"text\":\"message "
                        + n + "\",\"custom_id\":\"m" + n + "\",\"recipients\":\"all\"}}", true);
            }
        };
    }

    private record Answer(int statusCode, String body) {
    }

    /** measured: its latency counts (the messages; not a customer's set-up calls). */
    private Answer post(URI uri, String authorization, String body, boolean measured) {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        String target = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        byte[] request = ("POST " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nAuthorization: " + authorization + "\r\nContent-Type: application/json\r\nContent-Length: "
                + json.length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
        long started = System.nanoTime();
        try {
            Answer answer;
            Connection connection = connection(uri);
            try {
                answer = connection.exchange(request);
            } catch (IOException stale) {
                if (connection.served == 0) {
                    throw stale;
                }
                // closed by the server while idle: the same request again (the gateway dedupes a messageId)
                connection.close();
                answer = connection(uri).exchange(request);
            }
            long now = System.nanoTime();
            if (measured && answer.statusCode() < 300) {
                synchronized (latencies) {
                    latencies.add(new long[] {now - started});
                }
                lastAccept.accumulateAndGet(now, Math::max);
            }
            return answer;
        } catch (IOException | RuntimeException e) {
            Connection broken = connections.get();
            connections.remove();
            if (broken != null) {
                broken.close();
            }
            return new Answer(0, e.toString());
        }
    }

    /** This thread's connection, opened again after the server closed it (Tomcat does after 100 requests). */
    private Connection connection(URI uri) throws IOException {
        Connection connection = connections.get();
        if (connection == null || connection.closed) {
            connection = new Connection(uri.getHost(), uri.getPort());
            connections.set(connection);
        }
        return connection;
    }

    /** One keep-alive HTTP/1.1 connection: a request, then its answer (Content-Length or chunked). */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private boolean closed;
        private int served;

        Connection(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(120_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16384);
        }

        Answer exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    closed = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                     size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                body.write(in.readNBytes((int) length));
            } else {
                body.write(in.readAllBytes()); // no length: the body ends with the connection
                closed = true;
            }
            served++;
            if (closed) {
                close();
            }
            return new Answer(code, body.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c == -1) {
                    throw new IOException("connection closed by the server");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            closed = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static String field(String json) {
        Matcher m = FIELD.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("unexpected answer: " + json);
        }
        return m.group(2);
    }

    private String results(long started) {
        long[] sorted = latencies.stream().mapToLong(l -> l[0]).sorted().toArray();
        StringBuilder perConversation = new StringBuilder();
        acceptedOf.forEach((id, n) -> perConversation.append(perConversation.isEmpty() ? "" : ",").append('"').append(id)
                .append("\":").append(n));
        double cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9; // start-up and compilation included
        return "{\"accepted\":" + sorted.length + ",\"cpu_s\":" + cpu + ",\"refused\":" + refused.get()
                + ",\"seconds_to_last_accept\":" + (lastAccept.get() - started) / 1e9
                + ",\"p50\":" + percentile(sorted, 50) + ",\"p99\":" + percentile(sorted, 99)
                + ",\"accepted_of\":{" + perConversation + "}}";
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.round(p / 100 * (sorted.length - 1)))] / 1e9;
    }
}
