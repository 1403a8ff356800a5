package io.handoff.gateway.provider.livechat;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The data-center region of the Customer Chat API calls. LiveChat serves a license in one region and its tokens
 * carry it as a prefix ({@code dal:…}, {@code fra-a:…}). Its SDKs send {@code X-Region: <prefix>}; the docs dropped
 * that in 2025, so whether LiveChat still needs it is unverified, and the gateway sends it unless
 * {@code handoff.livechat.region-header} is false. A call sent to the wrong region is answered
 * {@code misdirected_request} with the right one: that region is kept for the account (its organization id), in
 * memory, and sent from then on; the refused call is tried once more at once (livechat-reauth in
 * error-handling.camel.yaml).
 */
@Component("livechatRegions")
public class LiveChatRegions {

    static final String MISDIRECTED = "misdirected_request";
    static final String HEADER = "X-Region";
    /** Exchange property: the region the call sent (absent: none), to tell whether LiveChat named another. */
    static final String SENT_PROPERTY = "livechatRegion";
    /** Names like dal, fra, fra-a; anything else (a colon, a line break) never reaches the header. */
    private static final Pattern REGION = Pattern.compile("[a-z][a-z0-9]{1,15}(-[a-z0-9]{1,15}){0,3}");
    private static final Logger log = LoggerFactory.getLogger(LiveChatRegions.class);

    private final boolean sendRegion;
    /** Organization id to the region LiveChat named for it. */
    private final Map<String, String> namedRegions = new ConcurrentHashMap<>();

    public LiveChatRegions(LiveChatProperties properties) {
        this.sendRegion = properties.regionHeader();
    }

    /**
     * A step of every Customer Chat API call, after its Authorization: {@code X-Region} with the region LiveChat
     * named for the account, else the customer token's; no header when neither is known or sending is off.
     */
    public void addRegionHeader(Exchange exchange) {
        String region = sendRegion ? regionFor(exchange.getProperty("livechatOrganizationId", String.class),
                exchange.getProperty("livechatCustomerToken", String.class)) : null;
        if (region == null) {
            exchange.getMessage().removeHeader(HEADER);
            exchange.removeProperty(SENT_PROPERTY);
        } else {
            exchange.getMessage().setHeader(HEADER, region);
            exchange.setProperty(SENT_PROPERTY, region);
        }
    }

    private String regionFor(String organizationId, String customerToken) {
        String named = namedRegions.get(key(organizationId));
        return named != null ? named : regionOfToken(customerToken);
    }

    /** LiveChat answered misdirected_request naming the account's region: the calls from now on send it. */
    void regionNamed(String organizationId, String region) {
        if (!sendRegion) {
            return; // nothing would carry it
        }
        String before = namedRegions.put(key(organizationId), region);
        if (!region.equals(before)) {
            log.info("LiveChat answered misdirected_request: organization {} is served in region {}; its calls send "
                    + "X-Region: {} from now on (before: {})", organizationId, region, region,
                    before == null ? "the customer token's prefix" : before);
        }
    }

    /**
     * onWhen of the immediate retry of a misdirected call: LiveChat named another region than the one the call
     * sent, so one more try can succeed. Otherwise the refusal goes on like any other.
     */
    public boolean namedAnotherRegion(String organizationId, String sentRegion) {
        String named = namedRegions.get(key(organizationId));
        return sendRegion && named != null && !named.equals(sentRegion);
    }

    /** The region a token's prefix names ({@code dal} of {@code dal:abc}), or null when it has none. */
    static String regionOfToken(String token) {
        int colon = token == null ? -1 : token.indexOf(':');
        return colon > 0 ? asRegion(token.substring(0, colon)) : null;
    }

    /** The candidate when it looks like a region name, else null. */
    static String asRegion(Object candidate) {
        return candidate instanceof String name && REGION.matcher(name).matches() ? name : null;
    }

    private static String key(String organizationId) {
        return Objects.requireNonNullElse(organizationId, "");
    }
}
