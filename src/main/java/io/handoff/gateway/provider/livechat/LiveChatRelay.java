package io.handoff.gateway.provider.livechat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.Conversation;
import io.handoff.gateway.conversation.ClientMessage;

/** Customer Chat API bodies for an open handoff: the client's messages and files, its last words, the close. */
@Component("livechatRelay")
public class LiveChatRelay {

    /** {@code send_event} for the client's message or (already uploaded) file; custom_id carries the messageId. */
    public Map<String, Object> clientEvent(Exchange exchange) {
        ClientMessage message = exchange.getProperty("clientMessage", ClientMessage.class);
        Map<String, Object> event = new LinkedHashMap<>();
        if (message.isFile()) {
            event.put("type", "file");
            event.put("url", exchange.getProperty("livechatFileUrl", String.class));
            if (message.file().name() != null) {
                event.put("alternative_text", message.file().name());
            }
        } else {
            event.put("type", "message");
            event.put("text", message.text());
            event.put("recipients", "all");
        }
        event.put("custom_id", message.messageId());
        return Map.of("chat_id", chatId(exchange), "event", event);
    }

    /** {@code send_event} with the client's last words before the chat closes. */
    public Map<String, Object> closingEvent(Exchange exchange) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "message");
        event.put("text", exchange.getProperty("closingText", String.class));
        event.put("recipients", "all");
        event.put("custom_id", "close:" + exchange.getExchangeId());
        return Map.of("chat_id", chatId(exchange), "event", event);
    }

    public Map<String, Object> deactivate(Exchange exchange) {
        return Map.of("id", chatId(exchange));
    }

    /** True when LiveChat answered {@code chat_inactive}: the chat was closed meanwhile. */
    public boolean chatInactive(Map<String, Object> sendEventAnswer) {
        return "chat_inactive".equals(LiveChatResponses.errorTypeOf(sendEventAnswer));
    }

    private static String chatId(Exchange exchange) {
        return exchange.getProperty("conversation", Conversation.class).providerChatId();
    }
}
