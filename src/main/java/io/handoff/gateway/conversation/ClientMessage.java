package io.handoff.gateway.conversation;

/** A validated {@code POST /api/v1/conversations/{id}/messages} body: text or a file, never both. */
public record ClientMessage(String messageId, String text, File file) {

    /** A client's file, given by URL; the provider route fetches it if the platform wants the bytes. */
    public record File(String url, String name, Long size) {
    }

    public boolean isFile() {
        return file != null;
    }
}
