package io.handoff.gateway.sandbox.platform;

import com.fasterxml.jackson.databind.JsonNode;

/** A platform's error answer: the HTTP status and the body in the platform's own shape. */
public final class Refusal extends RuntimeException {

    private final int status;
    private final transient JsonNode body;

    public Refusal(int status, JsonNode body) {
        super(body.toString(), null, false, false);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public JsonNode body() {
        return body;
    }
}
