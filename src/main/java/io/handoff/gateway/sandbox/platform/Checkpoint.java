package io.handoff.gateway.sandbox.platform;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Called once a call has passed the platform's auth and validation and before it changes any state, with the
 * call's fields as JSON. The test fakes record the call here and may throw an injected failure; the sandbox
 * passes {@link #NONE}.
 */
@FunctionalInterface
public interface Checkpoint {

    Checkpoint NONE = checked -> { };

    void passed(JsonNode checked);
}
