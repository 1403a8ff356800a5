package io.handoff.gateway.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated {@code POST /api/v1/handoffs} body. Field names follow JAICP's {@code switch} reply;
 * {@code switch} itself is a Java keyword, hence {@link #switchData()}.
 */
public record SwitchRequest(
        String conversationId,
        String requestId,
        Customer customer,
        Switch switchData,
        List<HistoryEntry> history) {

    public record Customer(String name, String email) {
    }

    public record Switch(
            String destination,
            String firstMessage,
            Map<String, String> attributes,
            Map<String, String> hiddenAttributes,
            boolean sendMessagesToOperator,
            Integer sendMessageHistoryAmount,
            boolean ignoreOffline,
            List<String> closeChatPhrases,
            String lastMessage,
            boolean oneTimeMessage,
            String theme,
            JsonNode customData) {
    }

    public record HistoryEntry(String from, String text, String at) {

        public boolean fromClient() {
            return "client".equals(from);
        }
    }

    /**
     * What reaches the operator first: the transcript (only when {@code sendMessagesToOperator}, at
     * most {@code sendMessageHistoryAmount} newest entries) and then {@code firstMessage}, which defaults
     * to the last client text of the history (JAICP's meaning).
     */
    public List<HistoryEntry> transcriptForOperator() {
        if (!switchData.sendMessagesToOperator() || history.isEmpty()) {
            return List.of();
        }
        int amount = switchData.sendMessageHistoryAmount() == null
                ? history.size() : Math.min(switchData.sendMessageHistoryAmount(), history.size());
        return history.subList(history.size() - amount, history.size());
    }

    /**
     * The texts the operator gets when the chat opens, in order: the transcript (bot lines prefixed,
     * since the provider shows every line as the client's) and then the first message. A first message
     * taken from the history is not repeated when the transcript already shows it.
     */
    public List<String> operatorLines(String botLinePrefix) {
        List<String> lines = new ArrayList<>();
        List<HistoryEntry> transcript = transcriptForOperator();
        for (HistoryEntry line : transcript) {
            lines.add(line.fromClient() ? line.text() : botLinePrefix + line.text());
        }
        String first = firstMessageForOperator();
        boolean shown = switchData.firstMessage() == null && lastClientEntry() >= history.size() - transcript.size();
        if (first != null && !first.isBlank() && !shown) {
            lines.add(first);
        }
        return lines;
    }

    public String firstMessageForOperator() {
        if (switchData.firstMessage() != null) {
            return switchData.firstMessage();
        }
        int last = lastClientEntry();
        return last < 0 ? null : history.get(last).text();
    }

    /** The index of the history's last client entry, or -1. */
    private int lastClientEntry() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).fromClient()) {
                return i;
            }
        }
        return -1;
    }
}
