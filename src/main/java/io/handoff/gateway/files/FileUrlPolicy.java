package io.handoff.gateway.files;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which client file URLs the gateway fetches (gateway-api.md §10): http and https only, and hosts whose
 * addresses are all public unless {@code handoff.files.allowed-hosts} lists them. The decision is made on
 * the resolved {@link InetAddress}, never on the spelling, so {@code 2130706433}, {@code 127.1} or
 * {@code [::ffff:127.0.0.1]} are loopback like {@code 127.0.0.1}; the fetcher then connects to exactly the
 * addresses checked here.
 */
@Component
public class FileUrlPolicy {

    /** One {@code handoff.files.allowed-hosts} entry: {@code host}, {@code host:port} or {@code host:port/path/prefix/}. */
    public record AllowedHost(String host, int port, String pathPrefix) {

        /** Parses an entry; a mistake fails the start-up rather than silently allowing nothing (or too much). */
        public static AllowedHost parse(String entry) {
            String trimmed = entry == null ? "" : entry.trim();
            if (trimmed.isEmpty() || trimmed.contains("://")) {
                throw badEntry(entry, "write host, host:port or host:port/path/prefix/ (no scheme)");
            }
            URI uri;
            try {
                uri = new URI("http://" + trimmed);
            } catch (URISyntaxException e) {
                throw badEntry(entry, "not a host[:port][/path]");
            }
            if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw badEntry(entry, "not a host[:port][/path]");
            }
            String path = uri.getRawPath();
            String prefix = path == null || path.isEmpty() || path.equals("/") ? null : path;
            if (prefix != null && !isCanonicalPath(prefix)) {
                throw badEntry(entry, "the path prefix must be plain: no . or .. segments, //, ; or encoded . / \\");
            }
            return new AllowedHost(bare(uri.getHost()), uri.getPort(), prefix);
        }

        /** Port -1 allows every port of the host; a prefix only matches plain paths at a segment boundary. */
        boolean matches(String urlHost, int urlPort, String rawPath) {
            if (!host.equals(urlHost) || (port != -1 && port != urlPort)) {
                return false;
            }
            if (pathPrefix == null) {
                return true;
            }
            String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
            if (!isCanonicalPath(path)) {
                return false; // the server might normalise it to somewhere outside the prefix
            }
            return pathPrefix.endsWith("/") ? path.startsWith(pathPrefix)
                    : path.equals(pathPrefix) || path.startsWith(pathPrefix + "/");
        }

        private static IllegalArgumentException badEntry(String entry, String why) {
            return new IllegalArgumentException("handoff.files.allowed-hosts entry '" + entry + "': " + why);
        }
    }

    /** A URL the gateway may fetch: the addresses to connect to are the ones checked (empty when allow-listed). */
    public record CheckedUrl(URI uri, String host, int port, List<InetAddress> addresses, boolean allowListed) {
    }

    private final List<AllowedHost> allowedHosts;
    private final HostLookup lookup;

    @Autowired
    public FileUrlPolicy(FilesProperties properties, HostLookup lookup) {
        this(properties.allowedHosts(), lookup);
    }

    public FileUrlPolicy(List<String> allowedHosts, HostLookup lookup) {
        this.allowedHosts = allowedHosts.stream().filter(e -> e != null && !e.isBlank()).map(AllowedHost::parse).toList();
        this.lookup = lookup;
    }

    public CheckedUrl check(String url) throws FileNotFetchedException {
        try {
            return check(new URI(url));
        } catch (URISyntaxException e) {
            throw new FileNotFetchedException("not a valid URL");
        }
    }

    /**
     * Checks scheme and host, and resolves a host that is not allow-listed, refusing it when any of its
     * addresses is internal (a name with one public and one internal address is refused: which one a
     * connection would use is not the gateway's choice). The look-up takes at most handoff.files.dns-timeout.
     */
    public CheckedUrl check(URI uri) throws FileNotFetchedException {
        return check(uri, ChronoUnit.FOREVER.getDuration()); // no bound but the dns-timeout
    }

    /** The same, the look-up within atMost when that is shorter than the dns-timeout. */
    public CheckedUrl check(URI uri, Duration atMost) throws FileNotFetchedException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FileNotFetchedException("scheme '" + scheme + "' is not http or https");
        }
        if (uri.isOpaque() || uri.getHost() == null) {
            throw new FileNotFetchedException("the URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new FileNotFetchedException("the URL carries user info"); // confusable (http://cdn.example@10.0.0.1/) and never needed
        }
        String host = bare(uri.getHost());
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String path = uri.getRawPath();
        if (allowedHosts.stream().anyMatch(allowed -> allowed.matches(host, port, path))) {
            return new CheckedUrl(uri, host, port, List.of(), true);
        }
        List<InetAddress> addresses = lookup.addresses(host, atMost);
        for (InetAddress address : addresses) {
            String refused = refusedClass(address);
            if (refused != null) {
                throw new FileNotFetchedException(host + " resolves to " + address.getHostAddress() + " (" + refused
                        + ") and is not in handoff.files.allowed-hosts");
            }
        }
        return new CheckedUrl(uri, host, port, addresses, false);
    }

    /** Resolves a host once, within atMost and the dns-timeout; the fetcher connects to these addresses and looks nothing up again. */
    public List<InetAddress> resolve(String host, Duration atMost) throws FileNotFetchedException {
        return lookup.addresses(host, atMost);
    }

    /** The kind of internal address, or null for a public one. IPv6 forms that embed an IPv4 address are judged by it. */
    public static String refusedClass(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address instanceof Inet4Address) {
            return refusedIpv4(address.getAddress());
        }
        byte[] v6 = address.getAddress();
        if ((v6[0] & 0xfe) == 0xfc) {
            return "private"; // fc00::/7, unique local
        }
        byte[] embedded = embeddedIpv4((Inet6Address) address);
        if (embedded != null) {
            try {
                String refused = refusedClass(InetAddress.getByAddress(embedded));
                return refused == null ? null : refused + ", inside an IPv6 address";
            } catch (UnknownHostException impossible) {
                return "unreadable";
            }
        }
        return null;
    }

    /** IPv4 ranges Java has no predicate for: "this network", shared (CGNAT, cloud metadata lives there too), reserved. */
    private static String refusedIpv4(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (first == 0) {
            return "unspecified";
        }
        if (first == 100 && (second & 0xc0) == 64) {
            return "shared";
        }
        if (first == 192 && second == 0 && (a[2] & 0xff) == 0) {
            return "reserved";
        }
        if (first == 198 && (second & 0xfe) == 18) {
            return "reserved";
        }
        if (first >= 240) {
            return first == 255 && second == 255 && (a[2] & 0xff) == 255 && (a[3] & 0xff) == 255 ? "broadcast" : "reserved";
        }
        return null;
    }

    /** The IPv4 address inside ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64) or 2002:ab:cd:: (6to4). */
    private static byte[] embeddedIpv4(Inet6Address address) {
        byte[] b = address.getAddress();
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        boolean mapped = firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = firstTenZero && b[10] == 0 && b[11] == 0;
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && Arrays.equals(Arrays.copyOfRange(b, 4, 12), new byte[8]);
        if (mapped || compatible || nat64) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return Arrays.copyOfRange(b, 2, 6);
        }
        return null;
    }

    /**
     * A path no server normalises into another one: starts with /, no empty, {@code .} or {@code ..}
     * segments, no {@code ;} (Tomcat drops path parameters before normalising) and no backslash or encoded
     * dot, slash, backslash, percent, semicolon or NUL.
     */
    static boolean isCanonicalPath(String rawPath) {
        if (!rawPath.startsWith("/") || rawPath.contains("//") || rawPath.contains(";") || rawPath.contains("\\")) {
            return false;
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        for (String encoded : List.of("%2e", "%2f", "%5c", "%25", "%3b", "%00")) {
            if (lower.contains(encoded)) {
                return false;
            }
        }
        for (String segment : rawPath.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** The host as compared and resolved: lower case, IPv6 literals without brackets. */
    static String bare(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }
}
