package io.handoff.gateway.sandbox;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

import io.handoff.gateway.sandbox.platform.Refusal;

/**
 * LiveTex's Messaging API 1.0 for the sandbox: {@code /sandbox/livetex/1.0/<method>?key=...}. Every verb is
 * taken so that a wrong one gets LiveTex's own answer (404, code 6); the rules live in {@link SandboxLiveTex}.
 */
@RestController
@Profile("sandbox")
public class SandboxLiveTexController {

    private final SandboxLiveTex livetex;

    public SandboxLiveTexController(SandboxLiveTex livetex) {
        this.livetex = livetex;
    }

    @RequestMapping("/sandbox/livetex/1.0/{method}")
    public JsonNode call(@PathVariable String method, HttpServletRequest request,
                         @RequestParam(name = "key", required = false) String key,
                         @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                         @RequestBody(required = false) byte[] body) {
        return livetex.call(request.getMethod(), method, key, contentType, body);
    }

    @ExceptionHandler(Refusal.class)
    public ResponseEntity<JsonNode> refused(Refusal refusal) {
        return ResponseEntity.status(refusal.status()).contentType(MediaType.APPLICATION_JSON).body(refusal.body());
    }
}
