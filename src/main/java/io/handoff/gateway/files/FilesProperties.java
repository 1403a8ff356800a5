package io.handoff.gateway.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code handoff.files.*}: which internal hosts a client's file may come from, how long a
 * download may take (gateway-api.md §10) and where it waits for its upload. The size bound stays
 * {@code handoff.relay.max-file-size}.
 */
@ConfigurationProperties("handoff.files")
public record FilesProperties(
        /* host, host:port or host:port/path/prefix/ entries fetched even when they resolve to internal addresses */
        List<String> allowedHosts,
        /* the TCP (and TLS) connection to the file's host */
        @DefaultValue("5s") Duration connectTimeout,
        /* the whole download, redirects included: the most a file may hold its conversation's other messages */
        @DefaultValue("30s") Duration totalTimeout,
        /* the DNS look-up of a file's host (the client's choice of name server), at acceptance and at download */
        @DefaultValue("5s") Duration dnsTimeout,
        /* the folder downloads are written to (owner-only files, deleted once uploaded or refused); unset:
           handoff-gateway-files under java.io.tmpdir */
        Path spoolDir) {

    public FilesProperties {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        if (spoolDir == null || spoolDir.toString().isBlank()) { // blank would be the working directory
            spoolDir = Path.of(System.getProperty("java.io.tmpdir"), "handoff-gateway-files");
        }
        if (!positive(connectTimeout) || !positive(totalTimeout) || !positive(dnsTimeout)) {
            throw new IllegalArgumentException("handoff.files.connect-timeout, total-timeout and dns-timeout must be positive");
        }
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
