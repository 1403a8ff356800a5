package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lanes of workers: one held lane does not hold the others, and a run may hand its conversation to another lane. */
class WorkerLanesTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private WorkerLanes lanes;

    @AfterEach
    void stop() {
        release.countDown();
        lanes.stop();
    }

    @Test
    void aLaneWhoseWorkersAreAllHeldDoesNotHoldAnotherLane() throws Exception {
        List<String> done = new CopyOnWriteArrayList<>();
        lanes = new WorkerLanes("test-lanes", 1, (lane, id) -> {
            if (lane.equals("hung")) {
                waitFor(release);
            }
            done.add(lane + ":" + id);
        });
        lanes.start();

        lanes.kick("hung", "c1"); // its one worker is held
        lanes.kick("hung", "c2"); // waits for it
        lanes.kick("other", "c3");

        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("other:c3"));
        assertThat(done).containsExactly("other:c3");
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 3);
    }

    @Test
    void aRunHandsItsConversationToAnotherLaneWhereItRunsAsWell() {
        List<String> done = new CopyOnWriteArrayList<>();
        lanes = new WorkerLanes("test-lanes", 2, (lane, id) -> {
            done.add(lane + ":" + id);
            if (lane.equals("first")) {
                lanes.kick("second", id); // a lane made during a run starts at once
            }
        });
        lanes.start();

        lanes.kick("first", "c1");

        await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 2);
        assertThat(done).containsExactly("first:c1", "second:c1");
    }

    @Test
    void stoppedLanesTakeNoWorkAndStartAgainWithTheirOwner() {
        List<String> done = new CopyOnWriteArrayList<>();
        lanes = new WorkerLanes("test-lanes", 1, (lane, id) -> done.add(lane + ":" + id));
        lanes.start();
        lanes.kick("a", "c1");
        await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 1);

        lanes.stop();
        lanes.kick("a", "c2");
        lanes.kick("b", "c3"); // a lane made while stopped is not started
        assertThat(lanes.isRunning()).isFalse();

        lanes.start();
        lanes.kick("b", "c4");
        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("b:c4"));
        assertThat(done).containsExactly("a:c1", "b:c4");
    }

    @Test
    void stopLetsTheRunsOfEveryLaneFinish() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        List<String> done = new CopyOnWriteArrayList<>();
        lanes = new WorkerLanes("test-lanes", 1, (lane, id) -> {
            bothRunning.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.add(lane + ":" + id);
        });
        lanes.start();
        lanes.kick("a", "c1");
        lanes.kick("b", "c2");
        assertThat(bothRunning.await(5, TimeUnit.SECONDS)).isTrue();

        lanes.stop();

        assertThat(done).containsExactlyInAnyOrder("a:c1", "b:c2");
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
