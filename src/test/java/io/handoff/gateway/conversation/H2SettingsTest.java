package io.handoff.gateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import com.zaxxer.hikari.HikariDataSource;

/**
 * H2 writes over old data at once and caches enough parsed statements for a relayed message; other
 * databases and settings the URL makes itself are left alone. (That an answer survives {@code kill -9}:
 * api.H2GroupWrite, GatewayKilledH2Test.)
 */
class H2SettingsTest {

    @Test
    void anH2PoolOpensConnectionsThatReuseSpaceAtOnceAndCacheMoreStatements() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(fileDatabase());
            new H2Settings().postProcessBeforeInitialization(pool, "dataSource");
            assertThat(setting(pool, "RETENTION_TIME")).isEqualTo("0");
            assertThat(setting(pool, "QUERY_CACHE_SIZE")).isEqualTo("64");
        }
    }

    @Test
    void aUrlThatMakesASettingItselfKeepsItsValue() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(fileDatabase() + ";query_cache_size=16;RETENTION_TIME=200");
            new H2Settings().postProcessBeforeInitialization(pool, "dataSource");
            assertThat(setting(pool, "QUERY_CACHE_SIZE")).isEqualTo("16");
            assertThat(setting(pool, "RETENTION_TIME")).isEqualTo("200");
        }
    }

    @Test
    void onlyH2UrlsAreTouched() {
        assertThat(H2Settings.appliesTo("jdbc:postgresql://127.0.0.1/test", "RETENTION_TIME")).isFalse();
        assertThat(H2Settings.appliesTo("jdbc:h2:file:./data/handoff", "RETENTION_TIME")).isTrue();
        assertThat(H2Settings.appliesTo("jdbc:h2:file:./data/handoff;retention_time=45000", "RETENTION_TIME")).isFalse();
        assertThat(H2Settings.appliesTo("jdbc:h2:file:./data/handoff;RETENTION_TIME=45000", "QUERY_CACHE_SIZE")).isTrue();
        assertThat(H2Settings.appliesTo(null, "RETENTION_TIME")).isFalse();
    }

    /** A file database: an in-memory one has no file to keep settings for. */
    private static String fileDatabase() {
        return "jdbc:h2:file:" + Path.of("target", "h2-settings-" + UUID.randomUUID(), "db").toAbsolutePath();
    }

    private static String setting(HikariDataSource pool, String name) {
        // distinct: H2 lists some settings twice, the database's and the open store's
        return new JdbcTemplate(pool).queryForObject(
                "select distinct setting_value from information_schema.settings where setting_name = ?", String.class, name);
    }
}
