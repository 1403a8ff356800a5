package io.handoff.gateway.files;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Looks up the host of a client's file URL within {@code handoff.files.dns-timeout}. The host is the
 * client's choice, and so is its DNS server: {@link InetAddress#getAllByName} waits as long as the OS
 * resolver does (glibc: 5 s a try, 2 tries, each name server), on a bot's request thread at acceptance and
 * on a conversation's worker at delivery. A slow name server must hold neither longer than the setting.
 * The look-up runs on a thread of its own; one that timed out keeps that thread until the OS gives up, so
 * at most {@value #THREADS} run at once and {@value #QUEUED} wait, and the next is refused at once.
 */
@Component
public class HostLookup implements DisposableBean {

    static final int THREADS = 16;
    static final int QUEUED = 64;

    /** How a name becomes addresses: the JDK's resolver (and its cache) in the gateway. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] addressesOf(String host) throws UnknownHostException;
    }

    private final Duration timeout;
    private final Resolver resolver;
    private final ThreadPoolExecutor lookups;

    @Autowired
    public HostLookup(FilesProperties properties) {
        this(properties.dnsTimeout(), InetAddress::getAllByName);
    }

    HostLookup(Duration timeout, Resolver resolver) {
        this.timeout = timeout;
        this.resolver = resolver;
        AtomicInteger count = new AtomicInteger();
        this.lookups = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUED), task -> {
            Thread thread = new Thread(task, "file-host-lookup-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.lookups.allowCoreThreadTimeOut(true);
    }

    /** The host's addresses, within the dns-timeout. */
    public List<InetAddress> addresses(String host) throws FileNotFetchedException {
        return addresses(host, timeout);
    }

    /** The same within atMost, when that is shorter (what is left of a download's total timeout). */
    public List<InetAddress> addresses(String host, Duration atMost) throws FileNotFetchedException {
        Duration bound = atMost.compareTo(timeout) < 0 ? atMost : timeout;
        FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> resolver.addressesOf(host));
        try {
            lookups.execute(lookup);
        } catch (RejectedExecutionException e) {
            throw new FileNotFetchedException(host + " was not looked up: " + (lookups.isShutdown() ? "the gateway is stopping"
                    : (THREADS + QUEUED) + " look-ups are already waiting for DNS"));
        }
        try {
            return Arrays.asList(lookup.get(Math.max(0, bound.toNanos()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            giveUp(lookup);
            throw new FileNotFetchedException(host + " did not resolve within " + bound.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new FileNotFetchedException(host + " does not resolve");
        } catch (InterruptedException e) {
            giveUp(lookup);
            Thread.currentThread().interrupt();
            throw new FileNotFetchedException(host + " was not looked up: interrupted");
        }
    }

    /** A queued look-up nobody waits for leaves the queue; a running one keeps its thread until the OS answers. */
    private void giveUp(FutureTask<InetAddress[]> lookup) {
        lookup.cancel(true);
        lookups.remove(lookup);
    }

    int queued() {
        return lookups.getQueue().size();
    }

    @Override
    public void destroy() {
        lookups.shutdownNow();
    }
}
