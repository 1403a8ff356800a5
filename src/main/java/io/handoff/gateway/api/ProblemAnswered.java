package io.handoff.gateway.api;

import org.apache.camel.Exchange;

/**
 * Published (as a Spring application event) each time the problem responder answers a request with
 * problem+json, so that counters elsewhere (ops) can follow without this package knowing them.
 *
 * @param exchange the exchange that ended in the problem (its flow context is still on it)
 * @param status   the HTTP status answered
 * @param slug     the problem's slug ({@code urn:handoff:problem:<slug>})
 * @param cause    what stopped the exchange
 */
public record ProblemAnswered(Exchange exchange, int status, String slug, Throwable cause) {
}
