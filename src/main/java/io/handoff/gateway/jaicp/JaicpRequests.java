package io.handoff.gateway.jaicp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.api.ApiResponse;
import io.handoff.gateway.api.ProblemException;
import io.handoff.gateway.api.StrictJson;
import io.handoff.gateway.files.FileNotFetchedException;
import io.handoff.gateway.files.FileUrlPolicy;
import io.handoff.gateway.files.LoggedUrl;
import io.handoff.gateway.intake.SwitchRequestParser;
import io.handoff.gateway.routing.Destination;

/**
 * Turns JAICP Operator API calls (reference §1.4) into the gateway's own requests, so they take the
 * same routes as the bot API: selectDestination becomes a switch for direct:switch-intake, sendText and
 * sendFile become client messages, closeChat the client's close. JAICP expects a plain 200.
 */
@Component("jaicpRequests")
public class JaicpRequests {

    private static final Logger log = LoggerFactory.getLogger(JaicpRequests.class);

    private final ObjectMapper json;
    private final JaicpChannels channels;
    private final ApiResponse response;
    private final FileUrlPolicy outboundUrls;

    public JaicpRequests(ObjectMapper json, JaicpChannels channels, ApiResponse response, FileUrlPolicy outboundUrls) {
        this.json = json;
        this.channels = channels;
        this.response = response;
        this.outboundUrls = outboundUrls;
    }

    /** The call with its body: strict JSON, else 400. */
    public JaicpCall withRequest(JaicpCall call, String body) {
        return call.withRequest(StrictJson.readObject(json.reader(), body));
    }

    /** The call about a user ({@code selectDestination}, {@code sendText}, {@code sendFile}, {@code closeChat}): its body and conversation. */
    public JaicpCall withUserRequest(JaicpCall call, String body) {
        JaicpCall read = withRequest(call, body);
        return read.withUser(userId(call.channel(), read.request()));
    }

    /** {@code setWebhook {url}}: where this channel's operator events go from now on. */
    public void setWebhook(JaicpCall call) {
        String url = call.request().path("url").asText("");
        if (!url.matches("(?i)https?://.+")) {
            throw ProblemException.invalidRequest("url must be an http(s) URL", null);
        }
        try {
            // the gateway will POST every operator event there: the same rule as for the files it fetches (§10)
            outboundUrls.check(url);
        } catch (FileNotFetchedException refused) {
            log.warn("jaicp channel={} setWebhook refused: {} (url {})", call.channel(), refused.reason(), LoggedUrl.of(url));
            throw ProblemException.invalidRequest("url must be an address the gateway may call: a public host, or one "
                    + "listed in handoff.files.allowed-hosts", null);
        }
        channels.saveWebhook(call.channel(), url);
    }

    /** {@code selectDestination}: the switch body for direct:switch-intake. */
    public String selectDestination(JaicpCall call) throws JsonProcessingException {
        List<String> allowed = channels.destinationsOf(call.channel()).stream().map(Destination::name).toList();
        return json.writeValueAsString(switchRequest(call.channel(), call.request(), allowed,
                channels.refusesOffline(call.channel()), json));
    }

    /** The switch a {@code selectDestination} body stands for, refused (422) when the destination is not the channel's. */
    static Map<String, Object> switchRequest(String channel, JsonNode body, List<String> allowed, boolean refusesOffline,
                                             ObjectMapper json) {
        String userId = userId(channel, body);
        String destination = body.path("destinationId").asText("");
        if (!allowed.contains(destination)) {
            throw ProblemException.unknownDestination("Destination '" + destination + "' is not one of channel "
                    + channel + "'s", allowed);
        }
        Map<String, Object> switchData = new LinkedHashMap<>();
        switchData.put("destination", destination);
        copyObject(body, "attributes", switchData, json);
        copyObject(body, "hiddenAttributes", switchData, json);
        copyObject(body, "customData", switchData, json);
        // JAICP has decided to switch (it raises noLivechatOperatorsOnline itself from getDestinations)
        switchData.put("ignoreOffline", !refusesOffline);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("conversationId", JaicpChannels.conversationId(channel, userId));
        request.put("customer", Map.of("name", body.path("userName").asText(channel + " " + userId)));
        request.put("switch", switchData);
        return request;
    }

    /** {@code sendText {userId, text}}: a client message (JAICP gives no message id: each call is new). */
    public String sendText(JaicpCall call) throws JsonProcessingException {
        return json.writeValueAsString(clientText(call.request(), UUID.randomUUID().toString()));
    }

    /** The client message a {@code sendText} body stands for. */
    static Map<String, Object> clientText(JsonNode body, String messageId) {
        return Map.of("messageId", messageId, "text", body.path("text").asText(""));
    }

    /** {@code sendFile {userId, url, fileName?, size?}}: a client file by URL. */
    public String sendFile(JaicpCall call) throws JsonProcessingException {
        return json.writeValueAsString(clientFile(call.request(), UUID.randomUUID().toString()));
    }

    /** The client message a {@code sendFile} body stands for. */
    static Map<String, Object> clientFile(JsonNode body, String messageId) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("url", body.path("url").asText(""));
        if (body.hasNonNull("fileName")) {
            file.put("name", body.path("fileName").asText());
        }
        if (body.path("size").isNumber()) {
            file.put("size", body.path("size").asLong());
        }
        return Map.of("messageId", messageId, "file", file);
    }

    /** {@code closeChat {userId, text}}: the client ended the chat; text is its last words to the operator. */
    public String closeChat(JaicpCall call) throws JsonProcessingException {
        JsonNode body = call.request();
        return body.hasNonNull("text") && !body.path("text").asText().isBlank()
                ? json.writeValueAsString(Map.of("text", body.path("text").asText())) : "";
    }

    /** The plain 200 JAICP expects once the gateway's own route has succeeded. */
    public void ok(Exchange exchange) throws JsonProcessingException {
        exchange.getMessage().setBody(Map.of("success", true));
        response.ok(exchange);
    }

    /** The body's userId, refused (400) when it is missing or makes no valid conversation id with the channel. */
    static String userId(String channel, JsonNode body) {
        String userId = body.path("userId").asText("");
        String conversationId = JaicpChannels.conversationId(channel, userId);
        if (userId.isBlank() || !SwitchRequestParser.CONVERSATION_ID.matcher(conversationId).matches()) {
            throw ProblemException.invalidRequest("userId is required: letters, digits and . _ : @ - (with the channel, "
                    + "at most 128 characters)", new ArrayList<>());
        }
        return userId;
    }

    private static void copyObject(JsonNode body, String field, Map<String, Object> into, ObjectMapper json) {
        if (body.path(field).isObject()) {
            into.put(field, json.convertValue(body.path(field), Map.class));
        }
    }
}
