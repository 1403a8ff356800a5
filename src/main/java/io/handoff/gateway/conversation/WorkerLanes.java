package io.handoff.gateway.conversation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * {@link ConversationWorkers} per lane: a lane is where the work goes (a provider, a push target), and each
 * has its own {@code parallelism} workers, so a target whose calls hang (each until its timeout) holds
 * only its own lane's workers while the other lanes go on. A lane is made when first kicked; the work is
 * told its lane, and may hand a conversation to another one ({@link #kick}) when it finds the conversation's
 * next piece of work belongs there.
 */
public final class WorkerLanes implements Workers {

    private final String name;
    private final int parallelism;
    private final BiConsumer<String, String> work;
    private final Map<String, ConversationWorkers> lanes = new ConcurrentHashMap<>();
    private volatile boolean running;

    /** {@code work} takes the lane and the conversation id; threads are named {@code name-lane}. */
    public WorkerLanes(String name, int parallelism, BiConsumer<String, String> work) {
        this.name = name;
        this.parallelism = parallelism;
        this.work = work;
    }

    @Override
    public synchronized void start() {
        running = true;
        lanes.values().forEach(ConversationWorkers::start);
    }

    /** Stops taking work and lets what runs finish, in every lane at once (at most 20 s in all). */
    @Override
    public void stop() {
        List<ConversationWorkers> stopping;
        synchronized (this) { // not held while they finish: a run may hand its conversation to a new lane meanwhile
            running = false;
            stopping = List.copyOf(lanes.values());
        }
        stopping.forEach(ConversationWorkers::stopTaking);
        long deadline = System.nanoTime() + ConversationWorkers.STOP_WAIT.toNanos();
        stopping.forEach(lane -> lane.awaitStopped(deadline));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Per lane, the conversations whose work runs now or waits for one of the lane's workers. */
    public Map<String, Integer> inProgress() {
        Map<String, Integer> byLane = new TreeMap<>();
        lanes.forEach((lane, workers) -> byLane.put(lane, workers.inProgress()));
        return byLane;
    }

    /** Runs the work for the conversation in {@code lane}; if it is running there already, once more after it. */
    public void kick(String lane, String conversationId) {
        ConversationWorkers workers = lanes.get(lane);
        (workers != null ? workers : newLane(lane)).kick(conversationId);
    }

    private synchronized ConversationWorkers newLane(String lane) {
        return lanes.computeIfAbsent(lane, key -> {
            ConversationWorkers workers = new ConversationWorkers(name + "-" + key, parallelism,
                    conversationId -> work.accept(key, conversationId));
            if (running) {
                workers.start();
            }
            return workers;
        });
    }
}
