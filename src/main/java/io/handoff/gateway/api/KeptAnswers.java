package io.handoff.gateway.api;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Keeps an answer with the idempotency key it answers (a switch's requestId, a Dialogflow door messageId), so a
 * repeat gets it again. The exchange that claimed the key registers a keeper; ApiResponse gives it whatever answer
 * that exchange gets (a 201, a problem, or the 202 of the client-message route the Dialogflow door forwarded to)
 * before the H2 write the answer waits for: the kept answer is in the file when the answer leaves. A copy of the
 * exchange (an enrich's) that answers for itself is not the claimant, and its answer is not kept.
 */
public final class KeptAnswers {

    /** Stores the answer, or gives the key back (a 5xx, also an exchange never answered: a repeat tries again). */
    @FunctionalInterface
    public interface Keeper {
        void keep(int status, String body);
    }

    private static final String PROPERTY = "handoffAnswerKeeper";

    private record Claimant(Exchange exchange, Keeper keeper) {
    }

    private KeptAnswers() {
    }

    public static void keepWith(Exchange exchange, Keeper keeper) {
        Claimant claimant = new Claimant(exchange, keeper);
        exchange.setProperty(PROPERTY, claimant);
        // a failure nothing handled is answered by Camel itself, not ApiResponse: a 500, so the key is given back
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (done == exchange && done.getProperty(PROPERTY) == claimant) { // unanswered, and not a copy
                    done.removeProperty(PROPERTY);
                    keeper.keep(500, null);
                }
            }
        });
    }

    /** The first answer of the claimant, once; copies share its properties, so the claimant is told by identity. */
    static void keep(Exchange exchange, int status, String body) {
        if (exchange.getProperty(PROPERTY) instanceof Claimant claimant && claimant.exchange() == exchange) {
            exchange.removeProperty(PROPERTY);
            claimant.keeper().keep(status, body);
        }
    }
}
