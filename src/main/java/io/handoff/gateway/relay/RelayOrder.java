package io.handoff.gateway.relay;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.stereotype.Component;

import io.handoff.gateway.intake.ProblemException;

/**
 * One message of a conversation at a time on this instance, in arrival order (a fair semaphore, since
 * retries may continue an exchange on another thread). Released when the exchange is done, however it
 * ends. Conversations never wait for each other.
 */
@Component
public class RelayOrder {

    static final long WAIT_SECONDS = 60;

    private final Map<String, Semaphore> turns = new ConcurrentHashMap<>();

    public void enter(Exchange exchange, String conversationId) throws InterruptedException {
        Semaphore turn = turns.computeIfAbsent(conversationId, id -> new Semaphore(1, true));
        if (!turn.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new ProblemException(503, "provider-unavailable", "Operator platform unavailable",
                    "Earlier messages of this conversation are still being delivered; try again", null);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                turn.release();
            }
        });
    }
}
