import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * (Python threads cost about as much CPU per message as the gateway did). Run by relay-bench.py with
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

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
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
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long now = System.nanoTime();
            if (measured && response.statusCode() < 300) {
                synchronized (latencies) {
                    latencies.add(new long[] {now - started});
                }
                lastAccept.accumulateAndGet(now, Math::max);
            }
            return new Answer(response.statusCode(), response.body());
        } catch (Exception e) {
            return new Answer(0, e.toString());
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
