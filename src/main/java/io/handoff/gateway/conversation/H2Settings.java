package io.handoff.gateway.conversation;

import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The settings the gateway needs from an embedded H2 database, each applied unless the URL sets it:
 * <ul>
 * <li>{@code WRITE_DELAY=0}: a commit is written to the database file before the call that made it is
 * answered. H2's default keeps commits in memory for up to a second, so a {@code kill -9} lost every
 * message, event and state change the gateway had acknowledged in that second (the whole database, if it
 * was younger than that).</li>
 * <li>{@code RETENTION_TIME=0}: space that no longer holds live data is written over at once. With H2's
 * default (45 s) and a write per commit, the file kept every commit of the last 45 s: it grew by gigabytes
 * under load and each commit cost ten times more CPU (measured: 2.4 GB and 0.4 ms a relayed message, against
 * a few kB and 0.17 ms). What that default buys is a file that survives a power failure whose disk wrote
 * blocks out of order; with no fsync per commit H2 loses the last commits then anyway (README: use
 * PostgreSQL where a power failure must lose nothing).</li>
 * <li>{@code QUERY_CACHE_SIZE=64}: H2 keeps 8 parsed statements per connection by default, fewer than one
 * relayed message runs (accept, claim, deliver, done), so it parsed most of them again on every message
 * (seen with JFR).</li>
 * </ul>
 * PostgreSQL is left alone.
 */
@Component
class H2Settings implements BeanPostProcessor {

    static final Map<String, String> SETTINGS = Map.of("WRITE_DELAY", "0", "RETENTION_TIME", "0", "QUERY_CACHE_SIZE", "64");

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool) {
            SETTINGS.forEach((setting, value) -> {
                if (appliesTo(pool.getJdbcUrl(), setting)) {
                    pool.addDataSourceProperty(setting, value);
                }
            });
        }
        return bean;
    }

    static boolean appliesTo(String jdbcUrl, String setting) {
        return jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:")
                && !jdbcUrl.toUpperCase(Locale.ROOT).contains(";" + setting + "=");
    }
}
