package io.handoff.gateway.sandbox;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.sandbox.platform.Refusal;

/**
 * Google's Dialogflow endpoints for the sandbox: the token endpoint of the key's {@code token_uri} and detectIntent
 * under {@code /sandbox/dialogflow} (the {@code api-url} of the sandbox's agent); the rules live in
 * {@link SandboxDialogflow}.
 */
@RestController
@Profile("sandbox")
public class SandboxDialogflowController {

    private final SandboxDialogflow dialogflow;

    public SandboxDialogflowController(SandboxDialogflow dialogflow) {
        this.dialogflow = dialogflow;
    }

    @PostMapping(SandboxDialogflow.TOKEN_PATH)
    public JsonNode token(HttpServletRequest request) throws IOException {
        // the form is read from the body itself: the request guard has read the stream, so the servlet's own form
        // parameters (and Spring's @RequestParam / @RequestBody of a form) come back empty
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return dialogflow.token(form.get("grant_type"), form.get("assertion"));
    }

    @PostMapping({"/sandbox/dialogflow/v3/**", "/sandbox/dialogflow/v2/**"})
    public JsonNode detectIntent(HttpServletRequest request,
                                 @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                 @RequestBody(required = false) String body) {
        return dialogflow.detectIntent(request.getRequestURI().substring("/sandbox/dialogflow".length()), authorization, body);
    }

    @ExceptionHandler(Refusal.class)
    public ResponseEntity<JsonNode> refused(Refusal refusal) {
        return ResponseEntity.status(refusal.status()).contentType(MediaType.APPLICATION_JSON).body(refusal.body());
    }
}
