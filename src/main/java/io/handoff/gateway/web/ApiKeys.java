package io.handoff.gateway.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;

/**
 * The bot API's Bearer keys ({@code handoff.api.keys}). A presented key is compared with every configured
 * key in constant time; no key configured refuses every call. At start-up it says loudly when the
 * configuration leaves the API shut, or open to a guessable key.
 */
@Component
public class ApiKeys {

    /** The sandbox profile's well-known key: fine on a laptop, a hole anywhere else. */
    public static final String SANDBOX_KEY = "dev-key-change-me";
    static final int MIN_LENGTH = 16;

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private final List<byte[]> keys;
    private final List<String> startupWarnings;

    public ApiKeys(HandoffProperties properties, Environment environment) {
        List<String> configured = properties.api().keys().stream().filter(k -> k != null && !k.isBlank()).toList();
        this.keys = configured.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.startupWarnings = warnings(configured, environment.acceptsProfiles(Profiles.of("sandbox")));
        startupWarnings.forEach(log::warn);
    }

    /** What is wrong with these keys, in words an operator acts on; empty when nothing is. */
    static List<String> warnings(List<String> keys, boolean sandbox) {
        List<String> warnings = new ArrayList<>();
        if (keys.isEmpty()) {
            warnings.add("handoff.api.keys is empty: the bot API (/api/**) refuses every call with 401. "
                    + "Set HANDOFF_API_KEYS (or handoff.api.keys) to one or more long random keys.");
        }
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (key.equals(SANDBOX_KEY) && !sandbox) {
                warnings.add("handoff.api.keys[" + i + "] is the sandbox's published key: anyone can call the "
                        + "bot API. Replace it with a long random key outside the sandbox profile.");
            } else if (key.length() < MIN_LENGTH) {
                warnings.add("handoff.api.keys[" + i + "] is shorter than " + MIN_LENGTH
                        + " characters: use a long random key (for example `openssl rand -hex 24`).");
            }
        }
        return List.copyOf(warnings);
    }

    /** The index of the matching key (a name for it that is not the key itself), if the key is one of ours. */
    public Optional<Integer> match(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        int found = -1;
        for (int i = 0; i < keys.size(); i++) {
            // every key is compared, so the time taken does not tell which one (if any) matched
            if (MessageDigest.isEqual(keys.get(i), bytes)) {
                found = i;
            }
        }
        return found < 0 ? Optional.empty() : Optional.of(found);
    }

    public List<String> startupWarnings() {
        return startupWarnings;
    }
}
