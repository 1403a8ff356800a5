package io.handoff.gateway.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * RFC 9457 problem+json written straight to a servlet response: for refusals made before Camel sees a
 * request (firewall, key check, body limits, rate limit, container errors). The slug becomes
 * {@code urn:handoff:problem:<slug>}, as in the bot API's own problems.
 */
public final class ProblemJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemJson() {
    }

    public static Map<String, Object> body(int status, String slug, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:handoff:problem:" + slug);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return problem;
    }

    public static void write(HttpServletResponse response, int status, String slug, String title, String detail)
            throws IOException {
        write(response, body(status, slug, title, detail));
    }

    public static void write(HttpServletResponse response, Map<String, Object> problem) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus((Integer) problem.get("status"));
        response.setContentType("application/problem+json"); // UTF-8 by definition (RFC 8259): no charset
        byte[] bytes = JSON.writeValueAsBytes(problem);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }

    /** The slug and title the gateway uses for a bare HTTP status (container and framework refusals). */
    public static Map<String, Object> forStatus(int status, String detail) {
        return switch (status) {
            case 400 -> body(400, "invalid-request", "Invalid request", detail);
            case 401 -> body(401, "unauthorized", "Unauthorized", detail);
            case 403 -> body(403, "forbidden", "Forbidden", detail);
            case 404 -> body(404, "not-found", "Not found", detail);
            case 405 -> body(405, "method-not-allowed", "Method not allowed", detail);
            case 406 -> body(406, "not-acceptable", "Not acceptable", detail);
            case 408 -> body(408, "request-timeout", "Request timeout", detail);
            case 413 -> body(413, "payload-too-large", "Payload too large", detail);
            case 414 -> body(414, "uri-too-long", "URI too long", detail);
            case 415 -> body(415, "unsupported-media-type", "Unsupported media type", detail);
            case 429 -> body(429, "too-many-requests", "Too many requests", detail);
            case 431 -> body(431, "headers-too-large", "Request header fields too large", detail);
            case 503 -> body(503, "unavailable", "Service unavailable", detail);
            default -> status >= 500
                    ? body(status, "internal-error", "Internal error", detail)
                    : body(status, "invalid-request", "Request refused", detail);
        };
    }
}
