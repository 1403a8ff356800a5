package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared worker: one run at a time per conversation, and one more run for a kick that came during it. */
class ConversationWorkersTest {

    private ConversationWorkers workers;

    @AfterEach
    void stop() {
        workers.stop();
    }

    @Test
    void aKickDuringARunMakesItRunOnceMoreAfterIt() throws Exception {
        CountDownLatch firstRunStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstRun = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        workers = new ConversationWorkers("test-workers", 4, id -> {
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            if (runs.incrementAndGet() == 1) {
                firstRunStarted.countDown();
                waitFor(releaseFirstRun);
            }
            atOnce.decrementAndGet();
        });
        workers.start();

        workers.kick("c1");
        assertThat(firstRunStarted.await(5, TimeUnit.SECONDS)).isTrue();
        workers.kick("c1"); // stored meanwhile: maybe after the run's last read
        workers.kick("c1"); // a third kick asks for the same one extra run
        releaseFirstRun.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
        Thread.sleep(200);
        assertThat(runs).hasValue(2);
        assertThat(mostAtOnce).hasValue(1); // never two runs of one conversation at once
    }

    @Test
    void withoutAKickDuringTheRunItRunsOnceAndANewKickStartsANewRun() throws Exception {
        List<String> runs = new CopyOnWriteArrayList<>();
        workers = new ConversationWorkers("test-workers", 4, runs::add);
        workers.start();

        workers.kick("c1");
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() == 1);
        Thread.sleep(200);
        assertThat(runs).containsExactly("c1");

        workers.kick("c1");
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() == 2);
    }

    @Test
    void conversationsRunAtTheSameTime() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        workers = new ConversationWorkers("test-workers", 4, id -> {
            bothRunning.countDown();
            waitFor(release);
        });
        workers.start();

        workers.kick("c1");
        workers.kick("c2");
        assertThat(bothRunning.await(5, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void aFailingRunDoesNotStopTheConversationsNextRun() {
        AtomicInteger runs = new AtomicInteger();
        workers = new ConversationWorkers("test-workers", 1, id -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the database went away");
            }
        });
        workers.start();

        workers.kick("c1");
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            workers.kick("c1");
            assertThat(runs.get()).isGreaterThanOrEqualTo(2);
        });
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
