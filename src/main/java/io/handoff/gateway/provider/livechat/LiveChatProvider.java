package io.handoff.gateway.provider.livechat;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.handoff.gateway.provider.Availability;
import io.handoff.gateway.provider.Provider;

/**
 * LiveChat (Customer Chat API v3.6) as a provider: group ids are integers, the readiness probe GETs the
 * API and the accounts service, availability comes from get_dynamic_configuration (needs
 * {@code handoff.livechat.license-id}; without it LiveChat's groups count as online).
 */
@Component("livechatProvider")
public class LiveChatProvider implements Provider {

    public static final String NAME = "livechat";

    private final LiveChatProperties config;

    public LiveChatProvider(LiveChatProperties config) {
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkGroupIds(String destination, List<String> groupIds) {
        for (String groupId : groupIds) {
            try {
                Integer.parseInt(groupId);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("handoff.destinations." + destination + ".group-ids: LiveChat group ids are "
                        + "integers, got '" + groupId + "'");
            }
        }
    }

    @Override
    public Map<String, URI> healthEndpoints() {
        Map<String, URI> endpoints = new LinkedHashMap<>();
        endpoints.put("api", URI.create(config.apiUrl()));
        endpoints.put("accounts", URI.create(config.accountsUrl()));
        return endpoints;
    }

    /** True when availability can be asked without tokens: get_dynamic_configuration needs the license id. */
    public boolean availabilityAskable() {
        return config.licenseId() != null && !config.licenseId().isBlank();
    }

    /** get_dynamic_configuration's {@code livechat.online_group_ids}. */
    public Availability availability(Map<String, Object> dynamicConfiguration) {
        Object livechat = dynamicConfiguration.get("livechat");
        Object online = livechat instanceof Map<?, ?> m ? m.get("online_group_ids") : null;
        return Availability.online(online instanceof List<?> ids ? ids.stream().map(String::valueOf).toList() : List.of());
    }

    public Availability availabilityNotAsked() {
        return Availability.notAsked();
    }
}
