package io.handoff.gateway.provider.livechat;

import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.Handoff;
import io.handoff.gateway.provider.Availability;
import io.handoff.gateway.routing.Destination;

/**
 * Which LiveChat groups were last seen accepting chats, and when: a switch to a destination one of whose groups
 * was seen accepting within {@code handoff.livechat.availability-ttl} skips {@code list_group_statuses}, so a
 * handoff costs the chat call (and a grant for a new customer) only. What feeds it: the handoff's own
 * {@code list_group_statuses} and {@code get_dynamic_configuration} (JAICP's getDestinations). Only "accepting"
 * is remembered: a destination seen offline is asked again on its next switch, and a chat refused with
 * {@code groups_offline} (a stale "accepting") forgets the destination's groups. The routes pass the whole
 * {@code handoff}: an OGNL path such as {@code ${exchangeProperty.handoff.destination}} makes Camel introspect the
 * record's class on every evaluation (seen with bench/run --jfr).
 */
@Component("livechatAvailability")
public class LiveChatAvailability {

    /** list_group_statuses statuses meaning the group takes new chats. */
    static final Set<String> ACCEPTING = Set.of("online", "online_for_queue");

    private final LiveChatProperties config;
    private final Clock clock;
    /** group id -> when it was last seen accepting chats. */
    private final Map<String, Long> acceptingSince = new ConcurrentHashMap<>();

    public LiveChatAvailability(LiveChatProperties config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** True when none of the switch's destination groups was seen accepting within the TTL: list_group_statuses must be asked. */
    public boolean mustAsk(Handoff handoff) {
        Destination destination = handoff.destination();
        long freshAfter = clock.millis() - config.availabilityTtl().toMillis();
        return destination.groupIds().stream().map(acceptingSince::get).noneMatch(seen -> seen != null && seen > freshAfter);
    }

    /** Records a {@code list_group_statuses} answer (the groups it names); returns it unchanged. */
    public Map<String, Object> groupStatuses(Map<String, Object> listGroupStatuses) {
        if (listGroupStatuses.get("groups_status") instanceof Map<?, ?> byGroup) {
            long now = clock.millis();
            byGroup.forEach((group, status) -> {
                if (ACCEPTING.contains(status)) {
                    acceptingSince.put(String.valueOf(group), now);
                } else {
                    acceptingSince.remove(String.valueOf(group));
                }
            });
        }
        return listGroupStatuses;
    }

    /** Records {@code get_dynamic_configuration}'s license-wide online groups: the others are not known to accept. */
    public Availability licenseOnline(Availability availability) {
        Collection<String> online = availability.onlineGroups();
        long now = clock.millis();
        acceptingSince.keySet().retainAll(online);
        online.forEach(group -> acceptingSince.put(group, now));
        return availability;
    }

    /** start_chat or resume_chat answered {@code groups_offline}: the destination's groups are not accepting after all. */
    public boolean refusedOffline(Map<String, Object> chatAnswer, Handoff handoff) {
        if (!"groups_offline".equals(LiveChatResponses.errorTypeOf(chatAnswer))) {
            return false;
        }
        handoff.destination().groupIds().forEach(acceptingSince::remove);
        return true;
    }
}
