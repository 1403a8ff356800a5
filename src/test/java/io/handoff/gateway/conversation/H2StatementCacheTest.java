package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import com.zaxxer.hikari.HikariDataSource;

/** H2 gets a statement cache big enough for a relayed message's statements; other databases and explicit settings are left alone. */
class H2StatementCacheTest {

    @Test
    void anH2PoolOpensConnectionsWithTheBiggerCache() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:h2:mem:statement-cache");
            new H2StatementCache().postProcessBeforeInitialization(pool, "dataSource");
            assertThat(setting(pool)).isEqualTo(H2StatementCache.SIZE);
        }
    }

    @Test
    void aUrlThatSetsTheCacheItselfKeepsItsValue() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:h2:mem:statement-cache-own;QUERY_CACHE_SIZE=16");
            new H2StatementCache().postProcessBeforeInitialization(pool, "dataSource");
            assertThat(setting(pool)).isEqualTo("16");
        }
    }

    @Test
    void onlyH2UrlsAreTouched() {
        assertThat(H2StatementCache.appliesTo("jdbc:postgresql://127.0.0.1/test")).isFalse();
        assertThat(H2StatementCache.appliesTo("jdbc:h2:file:./data/handoff")).isTrue();
        assertThat(H2StatementCache.appliesTo("jdbc:h2:file:./data/handoff;query_cache_size=8")).isFalse();
        assertThat(H2StatementCache.appliesTo(null)).isFalse();
    }

    private static String setting(HikariDataSource pool) {
        return new JdbcTemplate(pool).queryForObject(
                "select setting_value from information_schema.settings where setting_name = 'QUERY_CACHE_SIZE'", String.class);
    }
}
