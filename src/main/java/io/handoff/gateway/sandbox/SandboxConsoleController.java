package io.handoff.gateway.sandbox;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.context.annotation.Profile;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.handoff.gateway.HandoffProperties;
import io.handoff.gateway.conversation.ProviderAccounts;
import io.handoff.gateway.dialogflow.DialogflowProperties;
import io.handoff.gateway.routing.Destinations;
import io.handoff.gateway.sandbox.platform.LiveChatPlatform;
import io.handoff.gateway.sandbox.platform.Refusal;

/**
 * The sandbox's web console at {@code /sandbox/console}: one page (plain HTML and JavaScript from
 * {@code classpath:sandbox/}) with a client pane that plays the bot against the real bot API (or a Dialogflow agent's
 * end user against the Dialogflow front door), and an operator
 * pane backed by the small JSON API below {@code /sandbox/console/api}, which acts on the simulators as an
 * agent would in LiveChat's or LiveTex's own app.
 */
@RestController
@Profile("sandbox")
public class SandboxConsoleController {

    private static final Set<String> ASSETS = Set.of("console.js", "console.css");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What the operator pane sends: who acts, and what they say or send. */
    public record OperatorAction(String operatorId, String operatorName, String text, String url, String name, Long size) {
        String id() {
            return operatorId == null || operatorId.isBlank() ? "anna@sandbox.example" : operatorId;
        }

        String displayName() {
            return operatorName == null || operatorName.isBlank() ? "Anna" : operatorName;
        }
    }

    private final SandboxLiveChat livechat;
    private final SandboxLiveTex livetex;
    private final Destinations destinations;
    private final ProviderAccounts accounts;
    private final HandoffProperties properties;
    private final DialogflowProperties dialogflow;

    public SandboxConsoleController(SandboxLiveChat livechat, SandboxLiveTex livetex, Destinations destinations,
                                    ProviderAccounts accounts, HandoffProperties properties, DialogflowProperties dialogflow) {
        this.dialogflow = dialogflow;
        this.livechat = livechat;
        this.livetex = livetex;
        this.destinations = destinations;
        this.accounts = accounts;
        this.properties = properties;
    }

    /** In the sandbox the gateway's root is the console, so a newcomer opening the port sees something. */
    @GetMapping("/")
    public ResponseEntity<Void> root() {
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/sandbox/console")).build();
    }

    @GetMapping("/sandbox/console")
    public ResponseEntity<Resource> page() {
        return asset("console.html", MediaType.TEXT_HTML);
    }

    @GetMapping("/sandbox/console/assets/{name}")
    public ResponseEntity<Resource> assets(@PathVariable String name) {
        if (!ASSETS.contains(name)) {
            return ResponseEntity.notFound().build();
        }
        return asset(name, name.endsWith(".js") ? MediaType.valueOf("text/javascript") : MediaType.valueOf("text/css"));
    }

    /** What the panes start from: the bot API key to use, the destinations, the operators' presence. */
    @GetMapping("/sandbox/console/api/settings")
    public ObjectNode settings() {
        ObjectNode settings = NODES.objectNode();
        settings.put("apiKey", properties.api().keys().isEmpty() ? "" : properties.api().keys().get(0));
        settings.put("defaultDestination", properties.defaultDestination());
        settings.put("operatorsOnline", livechat.operatorsOnline());
        settings.put("sampleFileUrl", livechat.sampleFileUrl());
        var list = settings.putArray("destinations");
        destinations.all().forEach(d -> list.addObject().put("name", d.name()).put("provider", d.provider())
                .put("description", d.description()));
        dialogflow.agents().keySet().forEach(settings.putArray("dialogflowAgents")::add); // the client pane's end-user mode
        return settings;
    }

    /** Everyone online or everyone away, on both platforms: away makes a switch answer no-operators-online. */
    @PutMapping("/sandbox/console/api/operators-online")
    public ObjectNode operatorsOnline(@RequestBody Map<String, Boolean> body) {
        boolean online = Boolean.TRUE.equals(body.get("online"));
        livechat.operatorsOnline(online);
        livetex.operatorsOnline(online);
        return NODES.objectNode().put("operatorsOnline", online);
    }

    @GetMapping("/sandbox/console/api/chats")
    public ObjectNode chats() {
        List<ObjectNode> all = new ArrayList<>(livechat.chats());
        all.addAll(livetex.chats());
        all.sort(Comparator.comparing((ObjectNode chat) -> chat.path("updatedAt").asText()).reversed());
        all.forEach(this::withConversation);
        ObjectNode answer = NODES.objectNode();
        answer.putArray("chats").addAll(all);
        return answer;
    }

    @GetMapping("/sandbox/console/api/chats/{provider}/{id}")
    public ResponseEntity<ObjectNode> chat(@PathVariable String provider, @PathVariable String id) {
        Optional<ObjectNode> chat = switch (provider) {
            case "livechat" -> livechat.chat(id);
            case "livetex" -> livetex.chat(id);
            default -> Optional.empty();
        };
        return chat.map(this::withConversation).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.notFound().build());
    }

    @PostMapping("/sandbox/console/api/chats/{provider}/{id}/join")
    public ObjectNode join(@PathVariable String provider, @PathVariable String id, @RequestBody OperatorAction action) {
        switch (provider) {
            case "livechat" -> livechat.agentJoins(id, action.id(), action.displayName());
            case "livetex" -> { } // LiveTex has no join notification: the operator's first message tells the client
            default -> throw unknownProvider(provider);
        }
        return done();
    }

    @PostMapping("/sandbox/console/api/chats/{provider}/{id}/messages")
    public ObjectNode say(@PathVariable String provider, @PathVariable String id, @RequestBody OperatorAction action) {
        switch (provider) {
            case "livechat" -> livechat.agentSays(id, action.id(), action.displayName(), action.text());
            case "livetex" -> livetex.operatorSays(id, action.id(), action.displayName(), action.text());
            default -> throw unknownProvider(provider);
        }
        return done();
    }

    @PostMapping("/sandbox/console/api/chats/{provider}/{id}/files")
    public ObjectNode sendFile(@PathVariable String provider, @PathVariable String id, @RequestBody OperatorAction action) {
        switch (provider) {
            case "livechat" -> livechat.agentSendsFile(id, action.id(), action.displayName(), action.url(), action.name(), action.size());
            case "livetex" -> livetex.operatorSendsFile(id, action.id(), action.displayName(), action.url(), action.name(), action.size());
            default -> throw unknownProvider(provider);
        }
        return done();
    }

    @PostMapping("/sandbox/console/api/chats/{provider}/{id}/close")
    public ObjectNode close(@PathVariable String provider, @PathVariable String id, @RequestBody OperatorAction action) {
        switch (provider) {
            case "livechat" -> livechat.agentCloses(id, action.id(), action.displayName());
            case "livetex" -> livetex.operatorCloses(id, action.id(), action.displayName());
            default -> throw unknownProvider(provider);
        }
        return done();
    }

    @ExceptionHandler(Refusal.class)
    public ResponseEntity<JsonNode> refused(Refusal refusal) {
        return ResponseEntity.status(refusal.status()).contentType(MediaType.APPLICATION_JSON).body(refusal.body());
    }

    /** Adds the gateway's conversationId, so the console shows which bot conversation a chat belongs to. */
    private ObjectNode withConversation(ObjectNode chat) {
        accounts.conversationOfChat(chat.path("provider").asText(), chat.path("id").asText())
                .ifPresent(conversationId -> chat.put("conversationId", conversationId));
        return chat;
    }

    private static Refusal unknownProvider(String provider) {
        return LiveChatPlatform.validation("unknown provider " + provider + ": livechat or livetex");
    }

    private static ObjectNode done() {
        return NODES.objectNode().put("ok", true);
    }

    private static ResponseEntity<Resource> asset(String name, MediaType type) {
        // no caching: someone editing the page sees the change on reload
        return ResponseEntity.ok().contentType(type).cacheControl(CacheControl.noStore())
                .body(new ClassPathResource("sandbox/" + name));
    }
}
