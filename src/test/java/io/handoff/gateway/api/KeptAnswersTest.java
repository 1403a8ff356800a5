package io.handoff.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through real routes: the claimant's first answer is kept, once; a copy (an enrich's) answering for itself
 * is not the claimant; an exchange that ends without an answer through ApiResponse (a failure nothing handled,
 * which Camel answers 500 itself) gives the key back.
 */
class KeptAnswersTest {

    final CamelContext camel = new DefaultCamelContext();
    final List<String> kept = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:answered twice").process(exchange -> {
                    claim(exchange);
                    KeptAnswers.keep(exchange, 202, "{\"state\":\"WAITING\"}");
                    KeptAnswers.keep(exchange, 200, "{\"status\":\"ok\"}"); // a door answering after the route it forwarded to
                });
                from("direct:a copy answers first").process(exchange -> {
                    claim(exchange);
                    KeptAnswers.keep(exchange.copy(), 201, "{\"providerChatId\":\"c-1\"}");
                    KeptAnswers.keep(exchange, 200, "{\"replies\":[]}");
                });
                from("direct:unanswered").process(exchange -> {
                    claim(exchange);
                    throw new IllegalStateException("nothing handled this");
                });
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
    }

    void claim(Exchange exchange) {
        KeptAnswers.keepWith(exchange, (status, body) -> kept.add(status + " " + body));
    }

    @Test
    void theFirstAnswerIsKeptOnceAndTheEndChangesNothing() {
        camel.createProducerTemplate().send("direct:answered twice", exchange -> { });
        assertThat(kept).containsExactly("202 {\"state\":\"WAITING\"}");
    }

    @Test
    void aCopyAnsweringForItselfIsNotTheClaimant() {
        camel.createProducerTemplate().send("direct:a copy answers first", exchange -> { });
        assertThat(kept).containsExactly("200 {\"replies\":[]}");
    }

    @Test
    void anExchangeThatEndsUnansweredGivesTheKeyBack() {
        Exchange failed = camel.createProducerTemplate().send("direct:unanswered", exchange -> { });
        assertThat(failed.getException()).hasMessage("nothing handled this");
        assertThat(kept).containsExactly("500 null");
    }
}
