package io.handoff.gateway.jaicp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.handoff.gateway.provider.Availability;
import io.handoff.gateway.provider.Providers;
import io.handoff.gateway.routing.Destination;

/**
 * {@code getDestinations} for a JAICP channel: its destinations with {@code hasOnline} from each provider's
 * availability ({@code direct:provider-availability}, asked without spending tokens). A provider that
 * cannot be asked reports false.
 */
@Component("jaicpDestinations")
public class JaicpDestinations {

    private final JaicpChannels channels;
    private final Providers providers;

    public JaicpDestinations(JaicpChannels channels, Providers providers) {
        this.channels = channels;
        this.providers = providers;
    }

    /** The call asking the built providers the channel's destinations use, each once. */
    public JaicpCall toAsk(JaicpCall call) {
        return call.asking(channels.destinationsOf(call.channel()).stream().map(Destination::provider).distinct()
                .filter(p -> providers.find(p).isPresent()).toList());
    }

    /** {@code {destinations: [{destinationId, name, hasOnline}]}}: the camelCase mirror of LiveTex's answer. */
    public Map<String, Object> answer(JaicpCall call) {
        Map<String, Availability> table = call.availability();
        List<Map<String, Object>> list = channels.destinationsOf(call.channel()).stream()
                .map(d -> {
                    Map<String, Object> destination = new LinkedHashMap<>();
                    destination.put("destinationId", d.name());
                    destination.put("name", d.description() != null ? d.description() : d.name());
                    destination.put("hasOnline", table.getOrDefault(d.provider(), Availability.unknown()).anyOnline(d.groupIds()));
                    return destination;
                }).toList();
        return Map.of("destinations", list);
    }
}
