package io.handoff.gateway.conversation;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background work on conversations that the push to the bot, the client-message queue and the
 * Dialogflow resumes share: {@code work} runs for one conversation at a time (a kick while it runs is
 * dropped, since the running work reads the table again, and the owner's sweep catches the rest), for at
 * most {@code parallelism} conversations at once, so a slow conversation holds back only itself. What the
 * work has not done stays in the database for the next start.
 */
public final class ConversationWorkers {

    private static final Logger log = LoggerFactory.getLogger(ConversationWorkers.class);

    private final String name;
    private final int parallelism;
    private final Consumer<String> work;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();
    private ExecutorService pool;

    public ConversationWorkers(String name, int parallelism, Consumer<String> work) {
        this.name = name;
        this.parallelism = Math.max(1, parallelism);
        this.work = work;
    }

    public void start() {
        pool = Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        running.set(true);
    }

    /** Stops taking work and lets what runs finish (at most 20 s). */
    public void stop() {
        running.set(false);
        pool.shutdown();
        try {
            pool.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return running.get();
    }

    /** Runs the work for the conversation unless it is already running here. */
    public void kick(String conversationId) {
        if (running.get() && inFlight.add(conversationId)) {
            try {
                pool.execute(() -> {
                    try {
                        work.accept(conversationId);
                    } catch (RuntimeException e) {
                        log.warn("conversation={} {} interrupted: {}", conversationId, name, e.toString());
                    } finally {
                        inFlight.remove(conversationId);
                    }
                });
            } catch (RuntimeException rejected) {
                inFlight.remove(conversationId);
            }
        }
    }

    /** Milliseconds before attempt {@code attempts + 1}: initial, doubled per failed attempt, at most max. */
    public static long backoff(Duration initial, Duration max, int attempts) {
        double delay = initial.toMillis() * Math.pow(2, Math.min(Math.max(attempts, 1) - 1, 30));
        return (long) Math.min(delay, max.toMillis());
    }
}
