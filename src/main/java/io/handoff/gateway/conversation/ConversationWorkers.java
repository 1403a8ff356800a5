package io.handoff.gateway.conversation;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The background work on conversations that the push to the bot, the client-message queue and the
 * Dialogflow resumes share: {@code work} runs for one conversation at a time, for at most
 * {@code parallelism} conversations at once, so a slow conversation holds back only itself. A kick while
 * the work runs makes it run once more when it ends: what was stored meanwhile may have come after the
 * work's last read of the table (so the work need not read again to find out). What the work has not done
 * stays in the database for the next start, and for the owner's sweep.
 */
public final class ConversationWorkers implements Workers {

    private static final Logger log = LoggerFactory.getLogger(ConversationWorkers.class);

    /** The longest a stop waits for the work that runs. */
    static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final String name;
    private final int parallelism;
    private final Consumer<String> work;
    /** The conversations whose work runs here: false, or true when kicked again meanwhile. */
    private final ConcurrentHashMap<String, Boolean> inFlight = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private ExecutorService pool;

    public ConversationWorkers(String name, int parallelism, Consumer<String> work) {
        this.name = name;
        this.parallelism = Math.max(1, parallelism);
        this.work = work;
    }

    @Override
    public void start() {
        pool = Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        running.set(true);
    }

    /** Stops taking work and lets what runs finish (at most {@link #STOP_WAIT}). */
    @Override
    public void stop() {
        stopTaking();
        awaitStopped(System.nanoTime() + STOP_WAIT.toNanos());
    }

    /** Stops taking work; what runs goes on. */
    void stopTaking() {
        running.set(false);
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** Waits until what ran has finished, or until {@code deadlineNanos} ({@link System#nanoTime()}). */
    void awaitStopped(long deadlineNanos) {
        if (pool == null) {
            return; // never started
        }
        try {
            pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /** Conversations whose work runs now or waits for a worker. */
    public int inProgress() {
        return inFlight.size();
    }

    /** Runs the work for the conversation; if it is running here already, once more after it. */
    public void kick(String conversationId) {
        if (!running.get()) {
            return;
        }
        boolean[] start = {false};
        inFlight.compute(conversationId, (id, kickedAgain) -> {
            start[0] = kickedAgain == null;
            return !start[0];
        });
        if (start[0]) {
            try {
                pool.execute(() -> run(conversationId));
            } catch (RuntimeException rejected) {
                inFlight.remove(conversationId);
            }
        }
    }

    private void run(String conversationId) {
        do {
            inFlight.replace(conversationId, Boolean.FALSE); // kicks from now on ask for another run
            try {
                work.accept(conversationId);
            } catch (RuntimeException e) {
                log.warn("conversation={} {} interrupted: {}", conversationId, name, e.toString());
            }
        } while (running.get() && !inFlight.remove(conversationId, Boolean.FALSE));
        if (!running.get()) {
            inFlight.remove(conversationId);
        }
    }

    /**
     * The Spring lifecycle of a bean whose flow runs on its workers: started with the context, stopped before
     * Camel (a higher phase stops first) so that attempts in progress can finish. What is not done stays in
     * the database for the next start.
     */
    public interface Owner extends SmartLifecycle {

        Workers workers();

        @Override
        default void start() {
            workers().start();
        }

        @Override
        default void stop() {
            workers().stop();
        }

        @Override
        default boolean isRunning() {
            return workers().isRunning();
        }

        @Override
        default int getPhase() {
            return Integer.MAX_VALUE - 100;
        }
    }

    /** Milliseconds before attempt {@code attempts + 1}: initial, doubled per failed attempt, at most max. */
    public static long backoff(Duration initial, Duration max, int attempts) {
        double delay = initial.toMillis() * Math.pow(2, Math.min(Math.max(attempts, 1) - 1, 30));
        return (long) Math.min(delay, max.toMillis());
    }
}
