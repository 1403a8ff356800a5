package io.handoff.gateway.provider.livechat;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Runs before the one retry of a call LiveChat refused as {@code authentication}: drop the refused tokens. */
@Component("livechatReauthenticate")
public class LiveChatReauthenticate implements Processor {

    private final LiveChatTokens tokens;

    public LiveChatReauthenticate(LiveChatTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void process(Exchange exchange) {
        tokens.dropTokens(exchange);
    }
}
