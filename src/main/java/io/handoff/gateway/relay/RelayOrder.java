package io.handoff.gateway.relay;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.stereotype.Component;

import io.handoff.gateway.api.ProblemException;

/**
 * One message of a conversation at a time on this instance, in arrival order (a fair semaphore, since
 * retries may continue an exchange on another thread). Released when the exchange is done, however it
 * ends. Conversations never wait for each other, and a conversation nobody is sending for holds no memory.
 */
@Component
public class RelayOrder {

    static final long WAIT_SECONDS = 60;

    /** A conversation's turn and how many exchanges hold or wait for it. */
    private static final class Turn {
        final Semaphore semaphore = new Semaphore(1, true);
        int users;
    }

    private final Map<String, Turn> turns = new ConcurrentHashMap<>();

    public void enter(Exchange exchange, String conversationId) throws InterruptedException {
        Turn turn = turns.compute(conversationId, (id, existing) -> {
            Turn t = existing == null ? new Turn() : existing;
            t.users++;
            return t;
        });
        if (!turn.semaphore.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
            leave(conversationId);
            throw new ProblemException(503, "provider-unavailable", "Operator platform unavailable",
                    "Earlier messages of this conversation are still being delivered; try again", null);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                turn.semaphore.release();
                leave(conversationId);
            }
        });
    }

    private void leave(String conversationId) {
        turns.computeIfPresent(conversationId, (id, turn) -> --turn.users == 0 ? null : turn);
    }
}
