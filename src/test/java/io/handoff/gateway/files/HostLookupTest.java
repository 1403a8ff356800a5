package io.handoff.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A file host's DNS look-up is bounded: a name server that never answers (as a client can arrange for a
 * name of its own) holds the caller for the dns-timeout, or less when asked, and a look-up stuck in the OS
 * (which ignores interrupts) is refused at once once the pool and its queue are full, not waited for.
 */
class HostLookupTest {

    static final byte[] PUBLIC = {93, (byte) 184, (byte) 216, 34};

    final CountDownLatch dnsAnswers = new CountDownLatch(1);
    final AtomicInteger withTheNameServer = new AtomicInteger();
    /** Like the OS resolver: "slow." names wait for the name server, deaf to interrupts; others answer at once. */
    final HostLookup.Resolver resolver = host -> {
        if (host.startsWith("slow.")) {
            withTheNameServer.incrementAndGet();
            awaitUninterruptibly(dnsAnswers);
        }
        if (host.endsWith(".invalid")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByAddress(host, PUBLIC)};
    };
    final HostLookup lookup = new HostLookup(Duration.ofMillis(300), resolver);
    /** Bounds far apart, so that a loaded machine cannot blur which one held the caller. */
    final HostLookup patient = new HostLookup(Duration.ofSeconds(30), resolver);

    @AfterEach
    void answerAndStop() {
        dnsAnswers.countDown();
        lookup.destroy();
        patient.destroy();
    }

    @Test
    void anAnswerIsTheAddressesAndNoAnswerIsRefused() throws Exception {
        assertThat(lookup.addresses("files.example")).extracting(InetAddress::getAddress).containsExactly(PUBLIC);
        assertThatThrownBy(() -> lookup.addresses("no-such-host.invalid"))
                .isInstanceOf(FileNotFetchedException.class).hasMessage("no-such-host.invalid does not resolve");
    }

    @Test
    void aNameServerThatNeverAnswersHoldsTheCallerForTheDnsTimeoutOnly() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> lookup.addresses("slow.example"))
                .isInstanceOf(FileNotFetchedException.class).hasMessage("slow.example did not resolve within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(290), Duration.ofSeconds(3));
    }

    @Test
    void aShorterBoundWins() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> patient.addresses("slow.example", Duration.ofMillis(50)))
                .isInstanceOf(FileNotFetchedException.class).hasMessage("slow.example did not resolve within 50 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void lookUpsStuckInTheOsFillThePoolThenTheNextIsRefusedAtOnceAndTheQueuedOnesAnswerLater() throws Exception {
        // each times out and its thread stays with the name server; one that timed out before its thread
        // took it up was cancelled and holds no thread, so go on until every thread is with the name server
        for (int tries = 0; withTheNameServer.get() < HostLookup.THREADS; tries++) {
            assertThat(tries).isLessThan(100 * HostLookup.THREADS);
            assertThatThrownBy(() -> patient.addresses("slow.example", Duration.ofMillis(5)))
                    .isInstanceOf(FileNotFetchedException.class);
        }
        // a caller that gave up leaves no queued look-up behind
        assertThatThrownBy(() -> patient.addresses("files.example", Duration.ofMillis(20)))
                .isInstanceOf(FileNotFetchedException.class).hasMessageContaining("did not resolve within 20 ms");
        assertThat(patient.queued()).isZero();

        ExecutorService callers = Executors.newFixedThreadPool(HostLookup.QUEUED);
        try {
            List<CompletableFuture<List<InetAddress>>> waiting = new ArrayList<>();
            for (int i = 0; i < HostLookup.QUEUED; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return patient.addresses("files.example", Duration.ofSeconds(30));
                    } catch (FileNotFetchedException e) {
                        throw new IllegalStateException(e);
                    }
                }, callers));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> patient.queued() == HostLookup.QUEUED);

            long started = System.nanoTime();
            assertThatThrownBy(() -> patient.addresses("files.example"))
                    .isInstanceOf(FileNotFetchedException.class)
                    .hasMessage("files.example was not looked up: 80 look-ups are already waiting for DNS");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10)); // not the 30 s

            dnsAnswers.countDown(); // the name server answers: the stuck threads come back and serve the queue
            for (CompletableFuture<List<InetAddress>> answer : waiting) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).extracting(InetAddress::getAddress).containsExactly(PUBLIC);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aLookUpAfterTheStopIsRefusedAsSuch() {
        lookup.destroy();
        assertThatThrownBy(() -> lookup.addresses("files.example"))
                .isInstanceOf(FileNotFetchedException.class).hasMessage("files.example was not looked up: the gateway is stopping");
    }

    /** How a look-up waits in getaddrinfo: Thread.interrupt does not end it. */
    static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                interrupted = true; // getaddrinfo does not stop for Thread.interrupt either
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
