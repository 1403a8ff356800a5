package io.handoff.gateway.sandbox;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import com.fasterxml.jackson.databind.JsonNode;
import io.handoff.gateway.sandbox.platform.Refusal;

/**
 * LiveChat's HTTP surface for the sandbox, below {@code /sandbox/livechat}: the accounts service
 * ({@code /accounts/v2/token}, {@code /accounts/v2/customer/token}), the Customer Chat Web API and the
 * Configuration API ({@code /v3.6/customer|configuration/action/<method>}) and the file CDN ({@code /cdn/**}).
 * The rules live in {@link SandboxLiveChat}; this class only unpacks requests as LiveChat receives them.
 */
@RestController
@Profile("sandbox")
@RequestMapping("/sandbox/livechat")
public class SandboxLiveChatController {

    private final SandboxLiveChat livechat;

    public SandboxLiveChatController(SandboxLiveChat livechat) {
        this.livechat = livechat;
    }

    @PostMapping("/accounts/v2/token")
    public JsonNode agentToken(@RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                               @RequestParam Map<String, String> form) {
        return livechat.refreshGrant(contentType, form);
    }

    @PostMapping("/accounts/v2/customer/token")
    public JsonNode customerToken(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                  @RequestBody(required = false) byte[] body) {
        return livechat.customerGrant(authorization, body);
    }

    @GetMapping("/v3.6/customer/action/get_dynamic_configuration")
    public JsonNode dynamicConfiguration(@RequestParam Map<String, String> query) {
        return livechat.dynamicConfiguration(query);
    }

    @PostMapping("/v3.6/customer/action/upload_file")
    public JsonNode uploadFile(@RequestParam(name = "organization_id", required = false) String organizationId,
                               @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                               @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                               @RequestParam(name = "file", required = false) MultipartFile file) throws IOException {
        boolean multipart = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.MULTIPART_FORM_DATA_VALUE);
        return livechat.uploadFile(organizationId, authorization, multipart,
                file == null ? null : file.getOriginalFilename(), file == null ? null : file.getContentType(),
                file == null ? null : file.getBytes());
    }

    @PostMapping("/v3.6/customer/action/{method}")
    public JsonNode customerAction(@PathVariable String method,
                                   @RequestParam(name = "organization_id", required = false) String organizationId,
                                   @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                   @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                                   @RequestBody(required = false) byte[] body) {
        return livechat.customerAction(method, organizationId, authorization, contentType, body);
    }

    @PostMapping("/v3.6/configuration/action/{method}")
    public JsonNode configurationAction(@PathVariable String method,
                                        @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                        @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                                        @RequestBody(required = false) byte[] body) {
        return livechat.configurationAction(method, authorization, contentType, body);
    }

    @GetMapping("/cdn/**")
    public ResponseEntity<byte[]> cdn(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length() + "/sandbox/livechat".length());
        return livechat.cdnFile(path)
                .map(file -> ResponseEntity.ok().contentType(MediaType.parseMediaType(file.contentType()))
                        .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + file.name().replace("\"", "") + "\"")
                        .body(file.bytes()))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @ExceptionHandler(Refusal.class)
    public ResponseEntity<JsonNode> refused(Refusal refusal) {
        return ResponseEntity.status(refusal.status()).contentType(MediaType.APPLICATION_JSON).body(refusal.body());
    }
}
