package io.handoff.gateway.conversation;

import java.time.Clock;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Where a front-door channel (a JAICP channel) wants its operator events: the URL it gave, by channel name. */
@Repository
public class ChannelWebhooks {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ChannelWebhooks(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void save(String channel, String url) {
        long now = clock.millis();
        if (jdbc.update("update jaicp_channel set webhook_url = ?, updated_at = ? where channel = ?", url, now, channel) == 0) {
            try {
                jdbc.update("insert into jaicp_channel (channel, webhook_url, updated_at) values (?, ?, ?)", channel, url, now);
            } catch (DuplicateKeyException raced) {
                // another instance (or call) inserted it first: the later call's URL wins, as it would in sequence
                jdbc.update("update jaicp_channel set webhook_url = ?, updated_at = ? where channel = ?", url, now, channel);
            }
        }
    }

    public Optional<String> find(String channel) {
        return jdbc.queryForList("select webhook_url from jaicp_channel where channel = ?", String.class, channel)
                .stream().findFirst();
    }
}
