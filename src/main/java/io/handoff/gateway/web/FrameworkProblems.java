package io.handoff.gateway.web;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;

import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.connector.ClientAbortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Spring MVC's own refusals (no such path, a method or a media type the route does not take, an Accept it
 * cannot serve) in the gateway's problem format. Written straight to the response, past content
 * negotiation, so that even {@code Accept: text/html} gets problem+json rather than an empty 406.
 * A full request pool is "busy, try again", not a failure: every Camel REST call runs on Spring's task pool,
 * and when all its threads are busy the pool refuses the task before anything started, so a retry is safe
 * (503 {@code gateway-busy} with {@code Retry-After}; the platforms retry their webhooks on a 5xx).
 */
@RestControllerAdvice
public class FrameworkProblems {

    static final int BUSY_RETRY_AFTER_SECONDS = 1;

    private static final Logger log = LoggerFactory.getLogger(FrameworkProblems.class);

    @ExceptionHandler(Exception.class)
    public void problem(Exception exception, HttpServletResponse response) throws IOException {
        if (exception instanceof AsyncRequestNotUsableException || exception instanceof ClientAbortException) {
            log.debug("the client went away before its answer: {}", exception.toString());
            return; // nobody is left to read an answer
        }
        if (exception instanceof AsyncRequestTimeoutException) {
            log.warn("a request outlived spring.mvc.async.request-timeout; answered 503");
            response.setHeader("Retry-After", String.valueOf(BUSY_RETRY_AFTER_SECONDS));
            ProblemJson.write(response, ProblemJson.body(503, "gateway-busy", "Gateway busy",
                    "The request took longer than the gateway waits for an answer; try again"));
            return;
        }
        if (exception instanceof ErrorResponse refusal && refusal.getStatusCode().value() < 500) {
            refusal.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v))); // Allow, Accept
            String detail = refusal.getBody().getDetail();
            int status = refusal.getStatusCode().value();
            ProblemJson.write(response, ProblemJson.forStatus(status, detail == null ? "Request refused" : detail));
            return;
        }
        if (exception instanceof RejectedExecutionException) {
            log.warn("request refused with 503 gateway-busy: every thread of the request pool is busy "
                    + "(spring.task.execution.pool.max-size)");
            response.setHeader("Retry-After", String.valueOf(BUSY_RETRY_AFTER_SECONDS));
            ProblemJson.write(response, ProblemJson.body(503, "gateway-busy", "Gateway busy",
                    "Every request thread of this instance is busy; nothing was done. Try again after "
                            + "Retry-After seconds"));
            return;
        }
        if (exception instanceof MaxUploadSizeExceededException) {
            ProblemJson.write(response, ProblemJson.forStatus(413, "The upload is larger than this path takes"));
            return;
        }
        if (exception instanceof MultipartException || exception instanceof HttpMessageNotReadableException
                || exception instanceof TypeMismatchException) {
            ProblemJson.write(response, ProblemJson.forStatus(400, "The request could not be read: "
                    + (exception instanceof MultipartException ? "malformed multipart body" : "malformed body or parameter")));
            return;
        }
        String reference = UUID.randomUUID().toString();
        log.error("request failed, reference {}", reference, exception);
        Map<String, Object> problem = ProblemJson.forStatus(500,
                "The gateway failed; the log has the details under reference " + reference);
        ProblemJson.write(response, problem);
    }
}
