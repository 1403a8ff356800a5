package io.handoff.gateway.conversation;

import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The settings the gateway needs from an embedded H2 database, each applied unless the URL sets it:
 * <ul>
 * <li>{@code RETENTION_TIME=0}: space that no longer holds live data is written over at once. Answers have
 * H2 write to its file many times a second (api.H2GroupWrite); with H2's default (45 s) the file kept
 * every such write of the last 45 s, grew by gigabytes under load, and each write cost several times the
 * CPU. What that default buys is a file that survives a power failure whose disk wrote blocks out of
 * order; H2 loses the last commits then anyway, as it does not fsync them (README: PostgreSQL where a
 * power failure must lose nothing).</li>
 * <li>{@code QUERY_CACHE_SIZE=64}: H2 keeps 8 parsed statements per connection by default, fewer than one
 * relayed message runs (accept, claim, deliver, done), so it parsed most of them again on every message
 * (seen with JFR).</li>
 * <li>{@code DB_CLOSE_ON_EXIT=FALSE}: the database closes when the gateway closes its connection pool, the last
 * step of a graceful shutdown. H2's default closes it from a JVM shutdown hook at the SIGTERM itself, while
 * the requests in flight still run: their next statement found the connection closed, the pool opened the
 * file again, and what they wrote there raced the first close (once in CI a handoff answered 201 during a
 * SIGTERM was missing after the restart, in BundleIT; this is the path by which that can happen).</li>
 * </ul>
 * PostgreSQL is left alone.
 */
@Component
class H2Settings implements BeanPostProcessor {

    static final Map<String, String> SETTINGS = Map.of("RETENTION_TIME", "0", "QUERY_CACHE_SIZE", "64", "DB_CLOSE_ON_EXIT", "FALSE");

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
