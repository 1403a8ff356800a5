package io.handoff.gateway.conversation;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

/** A validated {@code POST /api/v1/conversations/{id}/messages} body: text or a file, never both. */
// stored as JSON in the client-message queue: {messageId, text} or {messageId, file}; isFile() is no property
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public record ClientMessage(String messageId, String text, File file) {

    /** A client's file, given by URL; the provider route fetches it if the platform wants the bytes. */
    public record File(String url, String name, Long size) {
    }

    public boolean isFile() {
        return file != null;
    }
}
