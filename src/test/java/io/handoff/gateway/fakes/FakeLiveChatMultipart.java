package io.handoff.gateway.fakes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.handoff.gateway.support.Bytes.indexOf;

/** Minimal multipart/form-data parser for {@link FakeLiveChat}'s upload_file: enough to check what a client sends. */
final class FakeLiveChatMultipart {

    /** One form field; {@code filename} is null for plain (non-file) fields. */
    record Part(String name, String filename, String contentType, byte[] content) {}

    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(\"([^\"]+)\"|[^;\\s]+)");
    // The leading (^|;) keeps "filename=" from matching as "name=".
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private FakeLiveChatMultipart() {
    }

    /** @throws IllegalArgumentException when the body is not well-formed multipart for the given Content-Type */
    static List<Part> parse(String contentType, byte[] body) {
        Matcher boundaryMatch = BOUNDARY.matcher(contentType == null ? "" : contentType);
        if (!boundaryMatch.find()) {
            throw new IllegalArgumentException("multipart Content-Type has no boundary");
        }
        String boundary = boundaryMatch.group(2) != null ? boundaryMatch.group(2) : boundaryMatch.group(1);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);

        int position = indexOf(body, delimiter, 0);
        if (position < 0) {
            throw new IllegalArgumentException("multipart body has no boundary line");
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            int afterDelimiter = position + delimiter.length;
            if (startsWith(body, afterDelimiter, "--")) {
                return parts;
            }
            if (!startsWith(body, afterDelimiter, "\r\n")) {
                throw new IllegalArgumentException("malformed multipart boundary line");
            }
            int headersStart = afterDelimiter + 2;
            int headersEnd = indexOf(body, HEADER_END, headersStart);
            if (headersEnd < 0) {
                throw new IllegalArgumentException("multipart part has no header terminator");
            }
            int contentStart = headersEnd + HEADER_END.length;
            int contentEnd = indexOf(body, nextDelimiter, contentStart);
            if (contentEnd < 0) {
                throw new IllegalArgumentException("multipart body is not terminated");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            parts.add(part(headers, Arrays.copyOfRange(body, contentStart, contentEnd)));
            position = contentEnd + 2;
        }
    }

    private static Part part(String headerBlock, byte[] content) {
        String disposition = null;
        String contentType = null;
        for (String line : headerBlock.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (header.equals("content-disposition")) {
                disposition = value;
            } else if (header.equals("content-type")) {
                contentType = value;
            }
        }
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            throw new IllegalArgumentException("multipart part has no Content-Disposition: form-data");
        }
        String name = find(NAME, disposition)
                .orElseThrow(() -> new IllegalArgumentException("multipart part has no name"));
        return new Part(name, find(FILENAME, disposition).orElse(null), contentType, content);
    }

    private static Optional<String> find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static boolean startsWith(byte[] body, int offset, String prefix) {
        byte[] expected = prefix.getBytes(StandardCharsets.ISO_8859_1);
        if (offset + expected.length > body.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (body[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
