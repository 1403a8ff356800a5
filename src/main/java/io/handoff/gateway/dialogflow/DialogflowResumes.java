package io.handoff.gateway.dialogflow;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.conversation.EventLog;
import io.handoff.gateway.conversation.ConversationWorkers;
import io.handoff.gateway.conversation.EventSignals;
import io.handoff.gateway.conversation.HandoffStarted;
import io.handoff.gateway.dialogflow.DialogflowConversations.Binding;
import io.handoff.gateway.dialogflow.DialogflowConversations.Line;
import io.handoff.gateway.dialogflow.DialogflowProperties.Agent;

/**
 * The bot speaks again after a handoff (gateway-api.md §7): once a handoff of a conversation bound to an agent ends
 * ({@code livechatFinished}, any reason), the agent's {@code resume-event} is sent and its replies are stored as a
 * {@code botMessage} event, after the {@code livechatFinished}.
 *
 * <p>Durable and once: a handoff's start marks the session ({@code handoff_seq}, the conversation's last seq then);
 * the first {@code livechatFinished} after that seq is what is resumed. An instance takes the resume with a lease,
 * and stores the {@code botMessage} and clears the mark in one transaction, so two instances never both store it, and
 * a restart (or another instance, after the lease) finds the mark and does it then. A failed call is retried in the
 * background with backoff ({@code handoff.dialogflow.resume-retry.*}) while the failure may pass (no answer, 429,
 * 5xx); a 4xx is given up at once. After giving up, nothing is stored: the bot answers the next message as usual.
 * Events stored on this instance wake the work at once; the sweep finds the rest. {@code handoff.dialogflow.resume-parallelism}
 * conversations are resumed at once, so a resume event that hangs holds up only its own.
 */
@Component("dialogflowResumes")
public class DialogflowResumes implements ConversationWorkers.Owner {

    private static final Logger log = LoggerFactory.getLogger(DialogflowResumes.class);
    static final Duration LEASE = Duration.ofMinutes(2);

    /** A resume taken by this instance. */
    record Resume(Binding binding, Agent agent, long handoffSeq, long finishedSeq, String reason, int attempts) {
    }

    private final DialogflowProperties properties;
    private final DialogflowConversations conversations;
    private final DialogflowDoor door;
    private final EventLog events;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;
    private final ProducerTemplate camel;
    private final DetectIntentRequests requests;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final int maxAttempts;
    private final ConversationWorkers workers;

    public DialogflowResumes(DialogflowProperties properties, DialogflowConversations conversations, DialogflowDoor door,
                             EventLog events, EventSignals signals, JdbcTemplate jdbc, TransactionTemplate tx,
                             ObjectMapper json, Clock clock, ProducerTemplate camel,
                             @Value("${handoff.dialogflow.resume-retry.initial-delay}") Duration firstBackoff,
                             @Value("${handoff.dialogflow.resume-retry.max-delay}") Duration maxBackoff,
                             @Value("${handoff.dialogflow.resume-retry.max-attempts}") int maxAttempts,
                             @Value("${handoff.dialogflow.resume-parallelism}") int parallelism) {
        this.properties = properties;
        this.conversations = conversations;
        this.door = door;
        this.events = events;
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.camel = camel;
        this.requests = new DetectIntentRequests(json);
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.maxAttempts = maxAttempts;
        this.workers = new ConversationWorkers("dialogflow-resume", parallelism, this::resumeIfDue);
        signals.onStored(this::kick);
    }

    /** A handoff of a bound conversation started (through the door or the bot API): its end is to be resumed. */
    @EventListener
    public void handoffStarted(HandoffStarted started) {
        int marked = jdbc.update("update dialogflow_session set handoff_seq = (select c.last_seq from conversation c "
                + "where c.conversation_id = ? and c.state <> 'BOT'), resume_attempts = 0, resume_next_at = 0, "
                + "updated_at = ? where conversation_id = ? and handoff_seq is null",
                started.conversationId(), clock.millis(), started.conversationId());
        if (marked == 1) {
            log.info("conversation={} Dialogflow resume due when the handoff ends", started.conversationId());
        }
    }

    /** Resumes whose handoff may have ended: marked, not backing off, not leased by another instance. */
    @Scheduled(fixedDelayString = "${handoff.dialogflow.resume-poll-interval:5s}", initialDelayString = "3s")
    public void sweep() {
        if (!workers.isRunning() || properties.agents().isEmpty()) {
            return;
        }
        long now = clock.millis();
        jdbc.queryForList("select conversation_id from dialogflow_session where handoff_seq is not null "
                + "and resume_next_at <= ? and resume_lease_until < ?", String.class, now, now).forEach(this::kick);
    }

    void kick(String conversationId) {
        if (!properties.agents().isEmpty()) {
            workers.kick(conversationId);
        }
    }

    private void resumeIfDue(String conversationId) {
        take(conversationId).ifPresent(this::resume);
    }

    /** The resume of the conversation, leased to this instance, if its handoff has ended and the resume is due. */
    Optional<Resume> take(String conversationId) {
        List<Map<String, Object>> rows = jdbc.queryForList("select handoff_seq, resume_attempts from dialogflow_session "
                + "where conversation_id = ? and handoff_seq is not null", conversationId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        long handoffSeq = ((Number) rows.get(0).get("handoff_seq")).longValue();
        int attempts = ((Number) rows.get(0).get("resume_attempts")).intValue();
        List<Map<String, Object>> finished = jdbc.queryForList("select seq, body from conversation_event where "
                + "conversation_id = ? and type = 'livechatFinished' and seq > ? order by seq limit 1", conversationId,
                handoffSeq);
        if (finished.isEmpty()) {
            return Optional.empty(); // still in the handoff
        }
        long now = clock.millis();
        if (jdbc.update("update dialogflow_session set resume_lease_until = ? where conversation_id = ? and handoff_seq = ? "
                + "and resume_lease_until < ? and resume_next_at <= ?", now + LEASE.toMillis(), conversationId, handoffSeq,
                now, now) == 0) {
            return Optional.empty(); // another instance has it, or it is backing off
        }
        Binding binding = conversations.find(conversationId).orElseThrow();
        Optional<Agent> agent = properties.agent(binding.agent());
        String reason = reason((String) finished.get(0).get("body"));
        Resume resume = new Resume(binding, agent.orElse(null), handoffSeq,
                ((Number) finished.get(0).get("seq")).longValue(), reason, attempts);
        if (agent.isEmpty() || agent.get().resumeEventName().isEmpty()) {
            settle(resume, null); // no longer configured, or no resume event: nothing to say
            return Optional.empty();
        }
        return Optional.of(resume);
    }

    private void resume(Resume resume) {
        String conversationId = resume.binding().conversationId();
        ObjectNode parameters = json.createObjectNode().put("reason", resume.reason());
        DialogflowCall call;
        try {
            call = door.call(resume.binding().agent(), resume.agent(), conversationId, resume.binding().sessionId(),
                    requests.event(resume.agent(), resume.agent().resumeEventName().orElseThrow(),
                            resume.binding().languageCode(), parameters));
        } catch (Exception e) {
            settle(resume, null);
            throw new IllegalStateException("resume event not built", e);
        }
        Exchange done = camel.send("direct:dialogflow-detect-intent", exchange -> exchange.setProperty("dialogflowCall", call));
        Throwable failure = done.getException();
        if (failure == null) {
            settle(resume, done.getMessage().getBody(DetectIntentResult.class));
            return;
        }
        failure = DialogflowCalls.unwrapped(failure);
        // nobody waits on the resume and a second one does little harm: unlike the door's calls, a 5xx or a timeout
        // is tried again; a 4xx other than 429 (an unknown agent or session, a refused request) will not pass
        boolean passing = failure instanceof DialogflowException d && d.transientFailure();
        int attempts = resume.attempts() + 1;
        if (!passing || attempts >= maxAttempts) {
            log.warn("conversation={} Dialogflow resume event given up after {} attempt(s){}: {}; the bot answers the "
                    + "next message as usual", conversationId, attempts, passing ? "" : " (not worth repeating)",
                    failure.getMessage());
            settle(resume, null);
            return;
        }
        long delay = ConversationWorkers.backoff(firstBackoff, maxBackoff, attempts);
        jdbc.update("update dialogflow_session set resume_attempts = ?, resume_next_at = ?, resume_lease_until = 0 "
                + "where conversation_id = ? and handoff_seq = ?", attempts, clock.millis() + delay, conversationId,
                resume.handoffSeq());
        log.info("conversation={} Dialogflow resume event failed ({}); next try in {} ms", conversationId,
                failure.getMessage(), delay);
    }

    /** Stores the replies as botMessage and clears the mark, in one transaction: once, whichever instance gets here. */
    private void settle(Resume resume, DetectIntentResult result) {
        String conversationId = resume.binding().conversationId();
        boolean stored = Boolean.TRUE.equals(tx.execute(status -> {
            if (jdbc.update("update dialogflow_session set handoff_seq = null, resume_attempts = 0, resume_next_at = 0, "
                    + "resume_lease_until = 0, updated_at = ? where conversation_id = ? and handoff_seq = ?",
                    clock.millis(), conversationId, resume.handoffSeq()) == 0) {
                return false; // settled already
            }
            if (result != null && !result.replies().isEmpty()) {
                events.append(conversationId, "botMessage", Map.of("replies", result.repliesJson(json)));
                return true;
            }
            return false;
        }));
        if (stored) {
            conversations.append(conversationId, null, result.texts().stream().map(text -> new Line("bot", text)).toList());
            log.info("conversation={} Dialogflow agent {} resumed after livechatFinished seq={}", conversationId,
                    resume.binding().agent(), resume.finishedSeq());
        }
    }

    private String reason(String body) {
        try {
            JsonNode event = json.readTree(body);
            return event.path("reason").asText("providerClosed");
        } catch (Exception unreadable) {
            return "providerClosed";
        }
    }

    @Override
    public ConversationWorkers workers() {
        return workers;
    }
}
