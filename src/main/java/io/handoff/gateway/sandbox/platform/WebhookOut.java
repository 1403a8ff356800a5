package io.handoff.gateway.sandbox.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a platform model hands the webhooks it produces, in the order things happened. Called with the
 * caller's lock held, so an implementation must not block: the sandbox queues them, the fakes collect them and
 * POST after releasing their lock.
 */
@FunctionalInterface
public interface WebhookOut {

    void send(String url, ObjectNode body);
}
