package io.handoff.gateway.relay;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.ConversationCloser;

/**
 * An ESB operator's "close this conversation" (JMX): the same route as the bot's
 * {@code POST /api/v1/conversations/{id}/close}, so the chat closes on the provider and the bot gets
 * its livechatFinished.
 */
@Component
public class ConversationCloseAction implements ConversationCloser {

    private final ProducerTemplate camel;

    public ConversationCloseAction(ProducerTemplate camel) {
        this.camel = camel;
    }

    @Override
    public boolean close(String conversationId) {
        Exchange done = camel.send("direct:client-close-request", exchange -> {
            exchange.getMessage().setHeader("id", conversationId);
            exchange.getMessage().setBody("");
        });
        int status = done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status == 200) {
            return true;
        }
        if (status == 404 || status == 409) {
            return false;
        }
        throw new IllegalStateException("closing failed: " + done.getMessage().getBody(String.class));
    }
}
