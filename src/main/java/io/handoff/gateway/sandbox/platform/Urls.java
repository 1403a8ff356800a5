package io.handoff.gateway.sandbox.platform;

import java.net.URI;
import java.net.URISyntaxException;

/** The url checks both platforms make. */
public final class Urls {

    private Urls() {
    }

    /** An absolute http or https url with a host. */
    public static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The last path segment of a url, or "file" when there is none: the name of a file sent by url only. */
    public static String fileNameOf(String url) {
        String path = URI.create(url).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isBlank() ? "file" : name;
    }
}
