package io.handoff.gateway.files;

import java.net.URI;
import java.net.URISyntaxException;

/** A client's URL as it may appear in the log: no user info, query or fragment (they may carry secrets), no line breaks. */
public final class LoggedUrl {

    static final int MAX_CHARS = 200;

    private LoggedUrl() {
    }

    public static String of(String url) {
        if (url == null) {
            return "(none)";
        }
        try {
            return of(new URI(url));
        } catch (URISyntaxException e) {
            return "(not a URL)";
        }
    }

    public static String of(URI uri) {
        if (uri.getRawAuthority() == null) {
            return text(uri.getScheme() + ":…");
        }
        String host = uri.getHost() != null ? uri.getHost() : "?";
        String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return text(uri.getScheme() + "://" + host + port + path);
    }

    /** Escapes CR and LF so a value cannot forge a log line; long values are cut. */
    public static String text(String value) {
        String cut = value.length() > MAX_CHARS ? value.substring(0, MAX_CHARS) + "…" : value;
        return cut.replace("\r", "\\r").replace("\n", "\\n");
    }
}
