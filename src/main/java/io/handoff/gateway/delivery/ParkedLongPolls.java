package io.handoff.gateway.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.conversation.EventLog;
import io.handoff.gateway.conversation.EventSignals;

/**
 * The long-polls waiting on this instance, each a {@link DeferredResult} and no thread. A poll is
 * answered when an event of its conversation is stored, here or (PostgreSQL NOTIFY) by another instance
 * ({@link EventSignals}), when the look at the database every {@code handoff.callback.poll-interval}
 * finds one (one query for all of them: the fallback for notifications lost, and H2), or
 * with no events when its wait is over. At most {@code handoff.api.max-long-polls} wait at a time.
 * One scheduler thread does all the looking.
 */
@Component
public class ParkedLongPolls implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ParkedLongPolls.class);

    public enum Parking { PARKED, FULL, STOPPING }

    /** One waiting pull; answered once, by whoever is first (an event, the wait's end, shutdown). */
    public static final class Poll {
        final String conversationId;
        final long after;
        final DeferredResult<ResponseEntity<Object>> result;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile ScheduledFuture<?> expiry;

        public Poll(String conversationId, long after, DeferredResult<ResponseEntity<Object>> result) {
            this.conversationId = conversationId;
            this.after = after;
            this.result = result;
        }
    }

    private final EventFeed feed;
    private final EventLog events;
    private final int max;
    /** The fallback look for events whose signal did not come (gateway-api.md §8: within 2 s). */
    private final long recheckMillis;
    private final AtomicInteger parked = new AtomicInteger();
    private final Map<String, Set<Poll>> byConversation = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "long-polls");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    public ParkedLongPolls(EventFeed feed, EventLog events, EventSignals signals, HandoffProperties properties) {
        this.feed = feed;
        this.events = events;
        this.max = properties.api().maxLongPolls();
        this.recheckMillis = properties.callback().pollInterval().toMillis();
        signals.onStored(this::signalled);
    }

    /**
     * Parks the poll for up to {@code waitMillis}, unless {@code handoff.api.max-long-polls} already wait
     * ({@code FULL}) or the gateway is stopping. A parked poll is answered at once if its events are there.
     */
    public Parking park(Poll poll, long waitMillis) {
        if (!running) {
            return Parking.STOPPING;
        }
        if (parked.incrementAndGet() > max) {
            parked.decrementAndGet();
            return Parking.FULL;
        }
        byConversation.compute(poll.conversationId, (id, polls) -> {
            Set<Poll> set = polls == null ? ConcurrentHashMap.newKeySet() : polls;
            set.add(poll);
            return set;
        });
        // the request may also end on its own (client gone, servlet timeout): the count must follow
        poll.result.onCompletion(() -> release(poll));
        poll.result.onError(error -> release(poll));
        try {
            poll.expiry = scheduler.schedule(() -> answer(poll, List.of()), waitMillis, TimeUnit.MILLISECONDS);
            if (poll.released.get()) {
                poll.expiry.cancel(false); // answered by an event between parking and here: no timer to keep
            }
        } catch (RejectedExecutionException stopped) {
            release(poll);
            return Parking.STOPPING;
        }
        answerIfEventsExist(poll); // an event stored between the caller's read and the parking
        return Parking.PARKED;
    }

    public int parked() {
        return parked.get();
    }

    public int max() {
        return max;
    }

    /** Runs on the thread that stored the event (a webhook's) or the notifications' one: only hands the work on. */
    private void signalled(String conversationId) {
        if (!byConversation.containsKey(conversationId)) {
            return;
        }
        try {
            scheduler.execute(() -> snapshot(conversationId).forEach(this::answerIfEventsExist));
        } catch (RejectedExecutionException stopped) {
            // stopping: every poll is answered by stop()
        }
    }

    /** Every poll interval: one query for the newest seq of every conversation someone waits for. */
    private void recheck() {
        try {
            if (byConversation.isEmpty()) {
                return;
            }
            Map<String, Long> lastSeqs = events.lastSeqs(byConversation.keySet());
            lastSeqs.forEach((conversationId, lastSeq) -> snapshot(conversationId).stream()
                    .filter(poll -> lastSeq > poll.after)
                    .forEach(this::answerIfEventsExist));
        } catch (RuntimeException e) {
            // a failed look must not end the schedule; the next one comes at the next interval
            log.warn("long-polls: looking for new events failed: {}", e.toString());
        }
    }

    private void answerIfEventsExist(Poll poll) {
        try {
            List<Map<String, Object>> found = feed.read(poll.conversationId, poll.after);
            if (!found.isEmpty()) {
                answer(poll, found);
            }
        } catch (RuntimeException e) {
            log.warn("conversation={} long-poll: reading events failed: {}", poll.conversationId, e.toString());
        }
    }

    private void answer(Poll poll, List<Map<String, Object>> found) {
        if (release(poll)) {
            poll.result.setResult(ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                    .body(EventFeed.page(found)));
        }
    }

    /** Forgets the poll, once; true for the caller that released it. */
    private boolean release(Poll poll) {
        if (!poll.released.compareAndSet(false, true)) {
            return false;
        }
        byConversation.computeIfPresent(poll.conversationId, (id, polls) -> {
            polls.remove(poll);
            return polls.isEmpty() ? null : polls;
        });
        ScheduledFuture<?> expiry = poll.expiry;
        if (expiry != null) {
            expiry.cancel(false);
        }
        parked.decrementAndGet();
        return true;
    }

    private List<Poll> snapshot(String conversationId) {
        Set<Poll> polls = byConversation.get(conversationId);
        return polls == null ? List.of() : new ArrayList<>(polls);
    }

    @Override
    public void start() {
        scheduler.scheduleWithFixedDelay(this::recheck, recheckMillis, recheckMillis, TimeUnit.MILLISECONDS);
        running = true;
    }

    /**
     * Before the web server's graceful shutdown (a higher phase stops first): waiting polls are answered
     * now, with no events, so they do not hold the shutdown up to 30 s; the bot pulls again (no event is lost).
     */
    @Override
    public void stop() {
        running = false;
        scheduler.shutdownNow();
        byConversation.values().stream().flatMap(Set::stream).toList()
                .forEach(poll -> answer(poll, List.of()));
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
