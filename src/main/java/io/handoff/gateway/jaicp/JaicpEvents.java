package io.handoff.gateway.jaicp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A gateway event as JAICP's operator event (reference §1.4): operatorMessage → TextMessage,
 * operatorFile → FileMessage, livechatFinished → Closed. The id is the conversation and seq, the same on
 * every retry, so JAICP can drop repeats. Events JAICP has no word for (operatorJoined, and the close
 * JAICP itself asked for with closeChat: {@code closedBy: jaicp}) are not sent; any other close is, so JAICP
 * hands the user back to its bot.
 */
@Component
public class JaicpEvents {

    private final ObjectMapper json;

    public JaicpEvents(ObjectMapper json) {
        this.json = json;
    }

    public Optional<String> toJaicp(String eventJson) {
        try {
            JsonNode event = json.readTree(eventJson);
            String conversationId = event.path("conversationId").asText();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", conversationId + ":" + event.path("seq").asLong());
            out.put("userId", JaicpChannels.userIdOf(conversationId));
            switch (event.path("type").asText()) {
                case "operatorMessage" -> {
                    out.put("type", "TextMessage");
                    out.put("text", event.path("text").asText());
                }
                case "operatorFile" -> {
                    out.put("type", "FileMessage");
                    out.put("url", event.path("url").asText());
                    if (event.hasNonNull("name")) {
                        out.put("name", event.path("name").asText());
                    }
                    if (event.path("size").isNumber()) {
                        out.put("size", event.path("size").asLong());
                    }
                }
                case "livechatFinished" -> {
                    if ("jaicp".equals(event.path("closedBy").asText())) {
                        return Optional.empty(); // JAICP closed it itself (closeChat)
                    }
                    out.put("type", "Closed");
                }
                default -> {
                    return Optional.empty();
                }
            }
            if (event.path("operator").isObject()) {
                Map<String, Object> employee = new LinkedHashMap<>();
                employee.put("employeeId", event.path("operator").path("id").asText());
                if (event.path("operator").hasNonNull("name")) {
                    employee.put("firstName", event.path("operator").path("name").asText());
                }
                out.put("employee", employee);
            }
            return Optional.of(json.writeValueAsString(out));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event unreadable", e);
        }
    }
}
