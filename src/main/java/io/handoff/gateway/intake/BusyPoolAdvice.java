package io.handoff.gateway.intake;

import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every Camel REST call (bot API, webhooks, JAICP) runs on Spring's task pool
 * ({@code spring.task.execution.pool}); when all its threads are busy, Camel's consumer cannot start the
 * route and the pool refuses the task. That is "busy, try again", not a failure: 503 problem+json with
 * {@code Retry-After} instead of a bare 500. Nothing was started, so a retry is safe; the platforms retry
 * their webhooks on a 5xx.
 */
@RestControllerAdvice
public class BusyPoolAdvice {

    static final int RETRY_AFTER_SECONDS = 1;

    private static final Logger log = LoggerFactory.getLogger(BusyPoolAdvice.class);

    @ExceptionHandler(RejectedExecutionException.class)
    ResponseEntity<Object> busy(RejectedExecutionException rejected) {
        log.warn("request refused with 503 gateway-busy: every thread of the request pool is busy "
                + "(spring.task.execution.pool.max-size)");
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemException.body(503, "gateway-busy", "Gateway busy",
                        "Every request thread of this instance is busy; nothing was done. Try again after "
                                + "Retry-After seconds", null));
    }
}
