package io.handoff.gateway.files;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Downloads a client's file within the bounds of gateway-api.md §10: every hop (the URL and each of at
 * most {@value #MAX_REDIRECTS} redirects) is checked by {@link FileUrlPolicy} and connected to the very
 * addresses it checked (no second DNS lookup that could answer differently); the body is read up to
 * max-file-size + 1 bytes, into a {@link FileSpool} file, and the connection dropped there; the whole
 * download, redirects included, is cancelled at {@code handoff.files.total-timeout}.
 */
@Component
public class FileFetcher implements DisposableBean {

    public static final int MAX_REDIRECTS = 3;

    /**
     * The downloaded file: spooled on disk (at most max-file-size bytes), with the Content-Type its host
     * gave. Whoever holds it closes it, which deletes the file (again: nothing; never throws).
     */
    public record FetchedFile(Path path, long size, String contentType) implements AutoCloseable {

        @Override
        public void close() {
            FileSpool.delete(path);
        }
    }

    private final FileUrlPolicy policy;
    private final FileSpool spool;
    private final Timeout connectTimeout;
    private final long totalTimeoutMillis;
    // cancels downloads that run past the total timeout (a read blocked on a trickling body wakes up only so)
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "file-fetch-deadline");
        thread.setDaemon(true);
        return thread;
    });

    public FileFetcher(FileUrlPolicy policy, FilesProperties properties, FileSpool spool) {
        this.policy = policy;
        this.spool = spool;
        this.connectTimeout = Timeout.of(properties.connectTimeout());
        this.totalTimeoutMillis = properties.totalTimeout().toMillis();
    }

    public FetchedFile fetch(String url, long maxBytes) throws FileNotFetchedException {
        URI current;
        try {
            current = new URI(url);
        } catch (URISyntaxException e) {
            throw new FileNotFetchedException("not a valid URL");
        }
        PinnedAddresses pinned = new PinnedAddresses();
        AtomicReference<HttpGet> inFlight = new AtomicReference<>();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            timedOut.set(true);
            HttpGet request = inFlight.get();
            if (request != null) {
                request.cancel();
            }
        }, totalTimeoutMillis, TimeUnit.MILLISECONDS);
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(totalTimeoutMillis);
        CloseableHttpClient client = newClient(pinned);
        try {
            for (int redirects = 0; ; redirects++) {
                // a look-up is no HTTP request the deadline could cancel: it gets what is left of the total
                FileUrlPolicy.CheckedUrl checked = policy.check(current, left(giveUpAt));
                pinned.pin(checked.host(), checked.allowListed() ? policy.resolve(checked.host(), left(giveUpAt)) : checked.addresses());
                HttpGet request = new HttpGet(current);
                inFlight.set(request);
                if (timedOut.get()) {
                    throw tookTooLong();
                }
                ClassicHttpResponse response = null;
                try {
                    response = client.executeOpen(null, request, null);
                    int status = response.getCode();
                    if (status >= 300 && status < 400 && status != 304) {
                        if (redirects == MAX_REDIRECTS) {
                            throw new FileNotFetchedException("more than " + MAX_REDIRECTS + " redirects");
                        }
                        current = redirectTarget(current, status, response.getFirstHeader("Location"));
                        continue;
                    }
                    if (status < 200 || status >= 300) {
                        throw new FileNotFetchedException("the host answered HTTP " + status);
                    }
                    return read(response, maxBytes);
                } catch (IOException e) {
                    throw timedOut.get() ? tookTooLong()
                            : new FileNotFetchedException("connection to " + checked.host() + ":" + checked.port() + " failed: " + e.getClass().getSimpleName());
                } finally {
                    // drops the connection instead of reading the rest of a body nobody wants
                    request.cancel();
                    closeQuietly(response);
                }
            }
        } finally {
            deadline.cancel(false);
            client.close(CloseMode.IMMEDIATE);
        }
    }

    /**
     * Writes the body to a spooled file, reading at most maxBytes + 1 bytes: one more than allowed proves the
     * file too large, without reading it all. Any failure deletes the partial file.
     */
    private FetchedFile read(ClassicHttpResponse response, long maxBytes) throws IOException, FileNotFetchedException {
        HttpEntity entity = response.getEntity();
        String contentType = entity == null ? null : entity.getContentType();
        long declared = entity == null ? 0 : entity.getContentLength();
        if (declared > maxBytes) {
            throw new FileNotFetchedException("Content-Length " + declared + " is over handoff.relay.max-file-size (" + maxBytes + ")");
        }
        try (FileSpool.Writer spooled = spool.create()) {
            if (entity != null) {
                copy(entity.getContent(), spooled, maxBytes); // not closed: closing drains the rest; the caller drops the connection
            }
            return new FetchedFile(spooled.keep(), spooled.size(), contentType);
        }
    }

    private static void copy(InputStream in, FileSpool.Writer spooled, long maxBytes) throws IOException, FileNotFetchedException {
        byte[] buffer = new byte[8192];
        long total = 0;
        while (true) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, maxBytes + 1 - total));
            if (n == -1) {
                return;
            }
            total += n;
            if (total > maxBytes) {
                throw new FileNotFetchedException("the body is over handoff.relay.max-file-size (" + maxBytes + " bytes)");
            }
            spooled.write(buffer, 0, n);
        }
    }

    private static URI redirectTarget(URI current, int status, Header location) throws FileNotFetchedException {
        if (location == null) {
            throw new FileNotFetchedException("HTTP " + status + " without Location");
        }
        try {
            return current.resolve(new URI(location.getValue()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FileNotFetchedException("HTTP " + status + " with an invalid Location");
        }
    }

    private Duration left(long giveUpAt) throws FileNotFetchedException {
        long nanos = giveUpAt - System.nanoTime();
        if (nanos <= 0) {
            throw tookTooLong();
        }
        return Duration.ofNanos(nanos);
    }

    private FileNotFetchedException tookTooLong() {
        return new FileNotFetchedException("the download took longer than handoff.files.total-timeout (" + totalTimeoutMillis + " ms)");
    }

    /**
     * One client per download: its resolver knows only the hosts this download checked, so a connection
     * can only go to an address the policy saw. No proxy, cookies, retries, redirects (handled above, each
     * checked) or transparent decompression (the size bound is on what the host sends, and the operator
     * gets the file as it was).
     */
    private CloseableHttpClient newClient(PinnedAddresses pinned) {
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(connectTimeout)
                .setSocketTimeout(Timeout.ofMilliseconds(totalTimeoutMillis))
                .build();
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(pinned)
                        .setDefaultConnectionConfig(connection)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.ofMilliseconds(totalTimeoutMillis))
                        .setConnectionRequestTimeout(connectTimeout)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .setUserAgent("handoff-gateway")
                .build();
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response != null) {
            try {
                response.close();
            } catch (IOException | RuntimeException ignored) {
                // the connection is already dropped
            }
        }
    }

    @Override
    public void destroy() {
        deadlines.shutdownNow();
    }

    /** The addresses the policy checked, by host: the only answers the HTTP client gets. */
    private static final class PinnedAddresses implements DnsResolver {

        private final Map<String, List<InetAddress>> byHost = new ConcurrentHashMap<>();

        void pin(String host, List<InetAddress> addresses) {
            byHost.put(host, addresses);
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            List<InetAddress> addresses = byHost.get(FileUrlPolicy.bare(host));
            if (addresses == null || addresses.isEmpty()) {
                throw new UnknownHostException(host + " was not checked");
            }
            return addresses.toArray(InetAddress[]::new);
        }

        @Override
        public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
            return Arrays.stream(resolve(host)).map(address -> new InetSocketAddress(address, port)).toList();
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return host; // no reverse lookups
        }
    }
}
