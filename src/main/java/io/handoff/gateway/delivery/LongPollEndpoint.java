package io.handoff.gateway.delivery;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.context.request.async.DeferredResult;

import io.handoff.gateway.api.ProblemException;

/**
 * {@code GET /api/v1/conversations/{id}/events?after=N&wait=S} with a {@code wait} other than 0: the pull
 * that may wait. It waits as a {@link DeferredResult} in {@link ParkedLongPolls}, holding no thread, so
 * waiting bots cannot take the threads handoffs and webhooks run on (issue 10).
 *
 * <p>Why not the REST DSL route: Camel's platform-http consumer runs each route on a pool thread until
 * it ends, so a waiting route holds one. The REST DSL keeps describing the call (/api-doc) and still
 * answers pulls without {@code wait} (or {@code wait=0}); {@link LongPollHandlerMapping} puts this
 * handler before Camel's for requests with a {@code wait}. Not a {@code @Controller}: only that mapping
 * serves it. The API key is checked before any handler, as for every {@code /api/**} call.
 */
@Component
public class LongPollEndpoint {

    public static final String PATH = "/api/v1/conversations/{id}/events";
    /** Seconds a refused poll should wait before trying again: the parked ones end within 30 s anyway. */
    static final int RETRY_AFTER_SECONDS = 5;
    /** The servlet's own timeout, only in case the poll's own end never came. */
    static final long BACKSTOP_MILLIS = 5_000;

    private static final Logger log = LoggerFactory.getLogger(LongPollEndpoint.class);

    private final EventFeed feed;
    private final ParkedLongPolls polls;

    public LongPollEndpoint(EventFeed feed, ParkedLongPolls polls) {
        this.feed = feed;
        this.polls = polls;
    }

    @GetMapping(path = PATH, params = {"wait", "wait!=0"})
    public DeferredResult<ResponseEntity<Object>> pull(@PathVariable("id") String conversationId,
                                                       @RequestParam(name = "after", required = false) String afterParam,
                                                       @RequestParam(name = "wait") String waitParam) {
        long after;
        long waitSeconds;
        try {
            after = EventFeed.after(afterParam);
            waitSeconds = EventFeed.waitSeconds(waitParam);
        } catch (ProblemException invalid) {
            return answered(problem(invalid));
        }
        DeferredResult<ResponseEntity<Object>> result =
                new DeferredResult<>(waitSeconds * 1000 + BACKSTOP_MILLIS, ok(List.of()));
        try {
            feed.requireKnown(conversationId);
            if (waitSeconds == 0) {
                result.setResult(ok(feed.read(conversationId, after)));
                return result;
            }
            ParkedLongPolls.Poll poll = new ParkedLongPolls.Poll(conversationId, after, result);
            switch (polls.park(poll, waitSeconds * 1000)) {
                case PARKED -> { } // answered by ParkedLongPolls
                case STOPPING -> result.setResult(ok(feed.read(conversationId, after)));
                case FULL -> {
                    // the cap is for waiting: events that are there are still given
                    List<Map<String, Object>> found = feed.read(conversationId, after);
                    result.setResult(found.isEmpty() ? tooMany() : ok(found));
                }
            }
        } catch (ProblemException refused) {
            result.setResult(problem(refused));
        } catch (RuntimeException failure) {
            String reference = UUID.randomUUID().toString();
            log.error("conversation={} long-poll failed, reference {}", conversationId, reference, failure);
            result.setResult(problem(new ProblemException(500, "internal-error", "Internal error",
                    "The gateway failed; the log has the details under reference " + reference, null)));
        }
        return result;
    }

    private ResponseEntity<Object> tooMany() {
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemException.tooManyLongPolls(polls.max()).body());
    }

    private static ResponseEntity<Object> ok(List<Map<String, Object>> found) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(EventFeed.page(found));
    }

    private static ResponseEntity<Object> problem(ProblemException problem) {
        return ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem.body());
    }

    private static DeferredResult<ResponseEntity<Object>> answered(ResponseEntity<Object> answer) {
        DeferredResult<ResponseEntity<Object>> result = new DeferredResult<>();
        result.setResult(answer);
        return result;
    }
}
