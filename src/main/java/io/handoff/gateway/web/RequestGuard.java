package io.handoff.gateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import io.handoff.gateway.HandoffProperties;

/**
 * Refuses a query string with control characters (400: the firewall would refuse such a parameter name
 * only when something reads it, deep in a route, as a 500), then bounds and checks every request body
 * before anything reads it: at most {@code handoff.api.max-body-bytes}
 * (413, whatever the path's spelling, since it runs behind the firewall on the normalised path), well-formed
 * UTF-8 for JSON and text (400), and JSON on the bot API (415). The body is read once, here, and replayed.
 * Paths in {@code handoff.api.max-body-exempt-paths} (the sandbox's upload_file) keep their own limits.
 * Not a Spring bean on purpose: as a bean Spring Boot would also run it as a servlet filter, before the firewall.
 */
class RequestGuard extends OncePerRequestFilter {

    private static final RequestMatcher BOT_API = PathPatternRequestMatcher.withDefaults().matcher("/api/**");

    private final long maxBodyBytes;
    private final RequestMatcher exempt;

    RequestGuard(HandoffProperties.Api api) {
        this.maxBodyBytes = api.maxBodyBytes().toBytes();
        List<RequestMatcher> exemptPaths = api.maxBodyExemptPaths().stream()
                .map(p -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(p)).toList();
        this.exempt = exemptPaths.isEmpty() ? request -> false : new OrRequestMatcher(exemptPaths);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (hasControlCharacters(request.getQueryString())) {
            ProblemJson.write(response, 400, "invalid-request", "Invalid request",
                    "The query string has control characters (%00-%1F, %7F)");
            return;
        }
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if ((request.getContentLengthLong() <= 0 && !chunked) || exempt.matches(request)) {
            chain.doFilter(request, response);
            return;
        }
        String contentType = request.getContentType();
        if (BOT_API.matches(request) && !isJson(contentType)) {
            ProblemJson.write(response, 415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as Content-Type: application/json");
            return;
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            tooLarge(response);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            // one byte past the limit tells a chunked body that is too large, without reading the rest
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        }
        if (body.length > maxBodyBytes) {
            tooLarge(response);
            return;
        }
        if (isText(contentType) && !isUtf8(body)) {
            ProblemJson.write(response, 400, "invalid-request", "Invalid request",
                    "The request body is not well-formed UTF-8");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        // the rest of the body is not read: the connection is closed after the answer
        response.setHeader("Connection", "close");
        ProblemJson.write(response, 413, "payload-too-large", "Payload too large",
                "The body is larger than handoff.api.max-body-bytes (" + maxBodyBytes + " bytes)");
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    /** JSON (RFC 8259: UTF-8 only), text, or no type at all: everything the gateway reads as text. */
    private static boolean isText(String contentType) {
        if (contentType == null) {
            return true;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/json") || type.contains("+json") || type.startsWith("text/");
    }

    /** Control characters in a raw query string, as they are or percent-encoded. */
    static boolean hasControlCharacters(String query) {
        if (query == null) {
            return false;
        }
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
            if (c == '%' && i + 2 < query.length()) {
                int high = Character.digit(query.charAt(i + 1), 16);
                int low = Character.digit(query.charAt(i + 2), 16);
                if (high >= 0 && low >= 0 && (high < 2 || (high == 7 && low == 15))) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
