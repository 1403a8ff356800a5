package io.handoff.gateway.files;

/**
 * Why the gateway did not fetch a client's file. The reason is for the log only: the bot always gets the
 * same answer, so it cannot tell a closed port from a refused address or a 404 (no internal port mapping).
 */
public class FileNotFetchedException extends Exception {

    public FileNotFetchedException(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
