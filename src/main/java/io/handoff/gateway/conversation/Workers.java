package io.handoff.gateway.conversation;

/**
 * Background workers that start with their owner ({@link ConversationWorkers.Owner}) and stop before Camel:
 * one set ({@link ConversationWorkers}) or one set per lane ({@link WorkerLanes}).
 */
public interface Workers {

    void start();

    /** Stops taking work and lets what runs finish. */
    void stop();

    boolean isRunning();
}
