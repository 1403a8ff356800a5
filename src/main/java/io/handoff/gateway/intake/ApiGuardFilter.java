package io.handoff.gateway.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.handoff.gateway.HandoffProperties;

/**
 * Guards requests before Camel sees them: on {@code /api/**} a Bearer key from {@code handoff.api.keys}
 * (compared in constant time; no key configured refuses every call) and a JSON body; on {@code /api/**},
 * {@code /webhooks/**} and {@code /jaicp/**} the body limit {@code handoff.api.max-body-bytes} (413).
 * Answers are problem+json like every other refusal.
 */
@Component
public class ApiGuardFilter extends OncePerRequestFilter {

    private final List<byte[]> keys;
    private final long maxBodyBytes;

    public ApiGuardFilter(HandoffProperties properties) {
        this.keys = properties.api().keys().stream().filter(k -> !k.isBlank())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.maxBodyBytes = properties.api().maxBodyBytes().toBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/api/") && !path.startsWith("/webhooks/") && !path.startsWith("/jaicp/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the platforms' webhooks and JAICP carry their own secrets, and their media types are theirs:
        // for them only the size is checked here
        boolean botApi = request.getRequestURI().startsWith("/api/");
        if (botApi && !authorized(request.getHeader("Authorization"))) {
            response.setHeader("WWW-Authenticate", "Bearer");
            problem(response, 401, "unauthorized", "Unauthorized",
                    "Send Authorization: Bearer <one of handoff.api.keys>");
            return;
        }
        boolean hasBody = request.getContentLengthLong() > 0 || hasBody(request);
        if (botApi && "POST".equals(request.getMethod()) && hasBody && !isJson(request.getContentType())) {
            problem(response, 415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as Content-Type: application/json");
            return;
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            problem(response, 413, "payload-too-large", "Payload too large",
                    "The body is larger than handoff.api.max-body-bytes (" + maxBodyBytes + " bytes)");
            return;
        }
        if (request.getContentLengthLong() < 0 && hasBody(request)) {
            // chunked, so no length up front: read one byte past the limit to know
            byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                problem(response, 413, "payload-too-large", "Payload too large",
                        "The body is larger than handoff.api.max-body-bytes (" + maxBodyBytes + " bytes)");
                return;
            }
            chain.doFilter(new BufferedBodyRequest(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase().startsWith("application/json");
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getHeader("Transfer-Encoding") != null;
    }

    static void problem(HttpServletResponse response, int status, String slug, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"type\":\"urn:handoff:problem:" + slug + "\",\"title\":\"" + title
                + "\",\"status\":" + status + ",\"detail\":\"" + detail.replace("\"", "'") + "\"}");
    }
}
