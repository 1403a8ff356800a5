package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import com.zaxxer.hikari.HikariDataSource;

/**
 * H2 commits to its file at once and caches enough parsed statements for a relayed message; other
 * databases and settings the URL makes itself are left alone. (That a commit survives {@code kill -9}:
 * GatewayKilledH2Test.)
 */
class H2SettingsTest {

    @Test
    void anH2PoolOpensConnectionsThatWriteEachCommitAndCacheMoreStatements() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(fileDatabase());
            new H2Settings().postProcessBeforeInitialization(pool, "dataSource");
            assertThat(setting(pool, "WRITE_DELAY")).isEqualTo("0");
            assertThat(setting(pool, "RETENTION_TIME")).isEqualTo("0");
            assertThat(setting(pool, "QUERY_CACHE_SIZE")).isEqualTo("64");
        }
    }

    @Test
    void aUrlThatMakesASettingItselfKeepsItsValue() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(fileDatabase() + ";query_cache_size=16;WRITE_DELAY=200");
            new H2Settings().postProcessBeforeInitialization(pool, "dataSource");
            assertThat(setting(pool, "QUERY_CACHE_SIZE")).isEqualTo("16");
            assertThat(setting(pool, "WRITE_DELAY")).isEqualTo("200");
        }
    }

    @Test
    void onlyH2UrlsAreTouched() {
        assertThat(H2Settings.appliesTo("jdbc:postgresql://127.0.0.1/test", "WRITE_DELAY")).isFalse();
        assertThat(H2Settings.appliesTo("jdbc:h2:file:./data/handoff", "WRITE_DELAY")).isTrue();
        assertThat(H2Settings.appliesTo("jdbc:h2:file:./data/handoff;write_delay=500", "WRITE_DELAY")).isFalse();
        assertThat(H2Settings.appliesTo("jdbc:h2:file:./data/handoff;WRITE_DELAY=500", "QUERY_CACHE_SIZE")).isTrue();
        assertThat(H2Settings.appliesTo(null, "WRITE_DELAY")).isFalse();
    }

    /** A file database: an in-memory one writes nothing and shows WRITE_DELAY 0 whatever is set. */
    private static String fileDatabase() {
        return "jdbc:h2:file:" + Path.of("target", "h2-settings-" + UUID.randomUUID(), "db").toAbsolutePath();
    }

    private static String setting(HikariDataSource pool, String name) {
        // distinct: H2 lists WRITE_DELAY twice, the database's setting and the open store's
        return new JdbcTemplate(pool).queryForObject(
                "select distinct setting_value from information_schema.settings where setting_name = ?", String.class, name);
    }
}
