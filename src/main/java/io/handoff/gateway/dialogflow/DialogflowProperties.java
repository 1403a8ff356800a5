package io.handoff.gateway.dialogflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.core.io.Resource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Everything under {@code handoff.dialogflow.*} (shared/spec/gateway-api.md §7): the Dialogflow agents the front door
 * serves, by the {@code {agent}} name in its URL. No agents configured is fine (the door then knows none).
 *
 * <p>Validated when bound: every problem of every agent is collected into one start-up failure that names the
 * properties, e.g. {@code handoff.dialogflow.agents.shop.agent-id: required for edition cx}.
 */
@ConfigurationProperties("handoff.dialogflow")
public record DialogflowProperties(Map<String, Agent> agents) {

    /** The {@code {agent}} in the URL: a path segment, so only these characters. */
    static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** {@code global}, or a region such as {@code europe-west1} (also the multi-regions {@code us}, {@code eu}). */
    static final Pattern LOCATION = Pattern.compile("global|[a-z][a-z0-9]*(?:-[a-z0-9]+)*");
    /** Project ids, agent ids, environment ids: one path segment each; '/', '?', '#', '%' and spaces are refused. */
    static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9._:~-]{1,128}");
    static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_-]{1,150}");
    /** Google: a CX session lives 30 minutes after the last request unless sessionTtl says otherwise, at most 1 day. */
    static final Duration MAX_SESSION_TTL = Duration.ofDays(1);

    public DialogflowProperties {
        agents = agents == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(agents));
        List<String> problems = new ArrayList<>();
        agents.forEach((name, agent) -> problems.addAll(agent.problems(name)));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid Dialogflow configuration:\n  " + String.join("\n  ", problems));
        }
    }

    /** The agent configured under {@code name}, if any. */
    public Optional<Agent> agent(String name) {
        return Optional.ofNullable(name == null ? null : agents.get(name));
    }

    public enum Edition {
        /** Dialogflow CX, REST v3. */
        CX,
        /** Dialogflow ES, REST v2. */
        ES
    }

    /**
     * One agent, as {@code handoff.dialogflow.agents.<name>.*}.
     *
     * @param edition      {@code cx} or {@code es}; required
     * @param projectId    the Google Cloud project; required
     * @param location     {@code global} (default) or a region; selects the API host unless {@code apiUrl} is set
     * @param agentId      the CX agent id; required for CX, unused for ES (an ES agent is the project's only one)
     * @param environment  a CX environment id or an ES environment name; empty = the draft agent
     * @param languageCode the language of the conversation (a request may name another); required
     * @param credentials  a service-account key (JSON) as a Spring resource; unset = Application Default Credentials
     * @param apiUrl       default {@code https://dialogflow.googleapis.com} for {@code global}, else
     *                     {@code https://{location}-dialogflow.googleapis.com}; no trailing '/'
     * @param destination  the destination when the handoff signal names none (else {@code handoff.default-destination})
     * @param resumeEvent  the event sent to Dialogflow after {@code livechatFinished}; empty = none
     * @param offlineEvent the event sent to Dialogflow when nobody is online; empty = none
     * @param sessionTtl   CX only: {@code queryParams.sessionTtl} on every request, so the session (its parameters
     *                     and page) outlives a handoff longer than Dialogflow's default 30 minutes; at most 1 day
     *                     (Google's limit), default 1 day; 0 = not sent. ES has no such field.
     * @param switchDefaults the {@code switch} defaults: the switch fields the handoff signal's own fields override
     */
    public record Agent(
            Edition edition,
            String projectId,
            @DefaultValue("global") String location,
            String agentId,
            @DefaultValue("") String environment,
            String languageCode,
            Resource credentials,
            String apiUrl,
            String destination,
            @DefaultValue("handoff_ended") String resumeEvent,
            @DefaultValue("no_operators_online") String offlineEvent,
            @DefaultValue("1d") Duration sessionTtl,
            @Name("switch") @DefaultValue SwitchDefaults switchDefaults) {

        public Agent {
            location = location == null ? "global" : location.trim();
            environment = environment == null ? "" : environment.trim();
            resumeEvent = resumeEvent == null ? "" : resumeEvent.trim();
            offlineEvent = offlineEvent == null ? "" : offlineEvent.trim();
            sessionTtl = sessionTtl == null ? MAX_SESSION_TTL : sessionTtl;
            switchDefaults = switchDefaults == null ? SwitchDefaults.NONE : switchDefaults;
            apiUrl = apiUrl == null || apiUrl.isBlank() ? defaultApiUrl(location) : stripTrailingSlashes(apiUrl.trim());
        }

        /** The API host Google documents for a location: the global host, or the regional one. */
        static String defaultApiUrl(String location) {
            return "global".equals(location) || !LOCATION.matcher(location).matches()
                    ? "https://dialogflow.googleapis.com"
                    : "https://" + location + "-dialogflow.googleapis.com";
        }

        private static String stripTrailingSlashes(String url) {
            String stripped = url;
            while (stripped.endsWith("/")) {
                stripped = stripped.substring(0, stripped.length() - 1);
            }
            return stripped;
        }

        public boolean hasEnvironment() {
            return !environment.isEmpty();
        }

        /** Whether the agent's own key is configured; otherwise Application Default Credentials are used. */
        public boolean hasCredentials() {
            return credentials != null;
        }

        public Optional<String> resumeEventName() {
            return resumeEvent.isEmpty() ? Optional.empty() : Optional.of(resumeEvent);
        }

        public Optional<String> offlineEventName() {
            return offlineEvent.isEmpty() ? Optional.empty() : Optional.of(offlineEvent);
        }

        /** The sessionTtl to send, if any: CX only, and not when configured as 0. */
        public Optional<Duration> sessionTtlToSend() {
            return edition == Edition.CX && !sessionTtl.isZero() ? Optional.of(sessionTtl) : Optional.empty();
        }

        List<String> problems(String name) {
            String prefix = "handoff.dialogflow.agents." + name + ".";
            List<String> problems = new ArrayList<>();
            if (!AGENT_NAME.matcher(name).matches()) {
                problems.add("handoff.dialogflow.agents." + name + ": the agent name is the {agent} of the URL and "
                        + "must be 1-64 characters of A-Z a-z 0-9 _ -");
            }
            if (edition == null) {
                problems.add(prefix + "edition: required, cx or es");
            }
            segment(problems, prefix + "project-id", projectId, true);
            if (!LOCATION.matcher(location).matches()) {
                problems.add(prefix + "location: '" + location + "' is neither global nor a region such as "
                        + "europe-west1 (lower-case letters, digits and '-')");
            }
            if (edition == Edition.CX) {
                if (agentId == null || agentId.isBlank()) {
                    problems.add(prefix + "agent-id: required for edition cx");
                } else {
                    segment(problems, prefix + "agent-id", agentId, true);
                }
            }
            segment(problems, prefix + "environment", environment, false);
            if (languageCode == null || !languageCode.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")) {
                problems.add(prefix + "language-code: required, a language tag such as en or pt-BR"
                        + (languageCode == null ? "" : " (got '" + languageCode + "')"));
            }
            if (!apiUrl.matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
                problems.add(prefix + "api-url: '" + apiUrl + "' is not an http(s) URL without query or fragment");
            }
            if (credentials != null && !credentials.exists()) {
                problems.add(prefix + "credentials: " + credentials.getDescription() + " does not exist "
                        + "(unset it to use Application Default Credentials)");
            }
            event(problems, prefix + "resume-event", resumeEvent);
            event(problems, prefix + "offline-event", offlineEvent);
            if (sessionTtl.isNegative() || sessionTtl.compareTo(MAX_SESSION_TTL) > 0) {
                problems.add(prefix + "session-ttl: " + sessionTtl + " is outside 0..1d (Google allows at most 1 day)");
            }
            return problems;
        }

        private static void segment(List<String> problems, String property, String value, boolean required) {
            if (value == null || value.isEmpty()) {
                if (required) {
                    problems.add(property + ": required");
                }
            } else if (!PATH_SEGMENT.matcher(value).matches()) {
                problems.add(property + ": '" + value + "' must be 1-128 characters of A-Z a-z 0-9 . _ : ~ -");
            }
        }

        private static void event(List<String> problems, String property, String value) {
            if (!value.isEmpty() && !EVENT_NAME.matcher(value).matches()) {
                problems.add(property + ": '" + value + "' must be an event name (A-Z a-z 0-9 _ -), or empty for none");
            }
        }

        @Override
        public String toString() {
            return "Agent[" + edition + " " + projectId + "/" + location + (agentId == null ? "" : "/" + agentId)
                    + (hasEnvironment() ? " env " + environment : "") + "]";
        }
    }

    /**
     * Defaults for the switch fields of the bot API (§3), under {@code switch}; what the handoff signal carries
     * overrides them field by field ({@code attributes} and {@code hiddenAttributes} key by key). Unset = absent,
     * but for {@code sendMessagesToOperator}: true, since the door keeps the transcript for the operator
     * (gateway-api.md §7: "opens the operator chat itself, with the transcript it kept"); false turns it off.
     */
    public record SwitchDefaults(
            String destination,
            String firstMessage,
            Map<String, String> attributes,
            Map<String, String> hiddenAttributes,
            Boolean sendMessagesToOperator,
            Integer sendMessageHistoryAmount,
            Boolean ignoreOffline,
            List<String> closeChatPhrases,
            String lastMessage,
            Boolean oneTimeMessage,
            String theme) {

        public static final SwitchDefaults NONE = new SwitchDefaults(null, null, null, null, null, null, null, null, null,
                null, null);

        public SwitchDefaults {
            sendMessagesToOperator = sendMessagesToOperator == null ? Boolean.TRUE : sendMessagesToOperator;
            attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
            hiddenAttributes = hiddenAttributes == null ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(hiddenAttributes));
            closeChatPhrases = closeChatPhrases == null ? null : List.copyOf(closeChatPhrases);
        }

        /** The set fields as a {@code switch} JSON object in the bot API's field names and types. */
        public ObjectNode toJson(ObjectMapper json) {
            ObjectNode node = json.createObjectNode();
            putIfSet(node, "destination", destination);
            putIfSet(node, "firstMessage", firstMessage);
            if (!attributes.isEmpty()) {
                attributes.forEach(node.putObject("attributes")::put);
            }
            if (!hiddenAttributes.isEmpty()) {
                hiddenAttributes.forEach(node.putObject("hiddenAttributes")::put);
            }
            if (sendMessagesToOperator != null) {
                node.put("sendMessagesToOperator", sendMessagesToOperator);
            }
            if (sendMessageHistoryAmount != null) {
                node.put("sendMessageHistoryAmount", sendMessageHistoryAmount);
            }
            if (ignoreOffline != null) {
                node.put("ignoreOffline", ignoreOffline);
            }
            if (closeChatPhrases != null) {
                closeChatPhrases.forEach(node.putArray("closeChatPhrases")::add);
            }
            putIfSet(node, "lastMessage", lastMessage);
            if (oneTimeMessage != null) {
                node.put("oneTimeMessage", oneTimeMessage);
            }
            putIfSet(node, "theme", theme);
            return node;
        }

        private static void putIfSet(ObjectNode node, String field, String value) {
            if (value != null) {
                node.put(field, value);
            }
        }
    }
}
