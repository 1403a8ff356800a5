package io.handoff.gateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.camel.Exchange;

/**
 * Undo steps registered by beans that took something for the exchange (a conversation lease). The
 * problem responder runs them when the exchange ends in a problem, so a
 * failed handoff leaves nothing half-done behind.
 */
public final class Compensations {

    private static final String PROPERTY = "handoffCompensations";

    private Compensations() {
    }

    public static void register(Exchange exchange, Consumer<Exchange> undo) {
        compensations(exchange).add(undo);
    }


    static void runAll(Exchange exchange) {
        List<Consumer<Exchange>> steps = compensations(exchange);
        exchange.removeProperty(PROPERTY);
        for (int i = steps.size() - 1; i >= 0; i--) {
            steps.get(i).accept(exchange);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Consumer<Exchange>> compensations(Exchange exchange) {
        List<Consumer<Exchange>> steps = exchange.getProperty(PROPERTY, List.class);
        if (steps == null) {
            steps = new ArrayList<>();
            exchange.setProperty(PROPERTY, steps);
        }
        return steps;
    }
}
