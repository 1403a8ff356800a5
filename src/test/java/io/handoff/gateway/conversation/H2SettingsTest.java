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

    /**
     * A SIGTERM runs every shutdown hook at once: the gateway's (graceful shutdown: requests in flight finish,
     * then the pool closes) and, by default, H2's, which closed the database at once under them.
     */
    @Test
    void whatIsWrittenWhileTheJvmShutsDownGoesInTheDatabaseUntilThePoolCloses() throws Exception {
        String url = fileDatabase();
        assertThat(runShutdownProbe(url, true)).contains("written during shutdown into the database opened at start");
        assertThat(rows(url)).containsExactly("before", "during");

        // H2's default: closed under the request, the pool opened the file again (the race this setting removes)
        assertThat(runShutdownProbe(fileDatabase(), false)).contains("into a database opened again");
    }

    /**
     * A JVM that writes from a shutdown hook half a second after exit began, as a request in flight does, and
     * says whether that went into the database it opened at start or one H2 opened again.
     */
    static final class ShutdownProbe {
        public static void main(String[] args) throws Exception {
            HikariDataSource pool = new HikariDataSource();
            pool.setJdbcUrl(args[0]);
            if (Boolean.parseBoolean(args[1])) {
                new H2Settings().postProcessBeforeInitialization(pool, "dataSource");
            }
            JdbcTemplate jdbc = new JdbcTemplate(pool);
            jdbc.execute("create table t (v varchar(10))");
            jdbc.update("insert into t values ('before')");
            Object atStart = openDatabase(pool);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(500);
                    jdbc.update("insert into t values ('during')");
                    System.out.println("written during shutdown into " + (openDatabase(pool)
                            == atStart ? "the database opened at start" : "a database opened again"));
                } catch (Exception e) {
                    System.out.println(e.getMessage());
                } finally {
                    pool.close(); // as Spring closes it, last
                }
            }));
            System.exit(0);
        }
    }

    /** The H2 database object behind the pool's connections: a new one each time H2 opens the file. */
    static Object openDatabase(HikariDataSource pool) throws java.sql.SQLException {
        try (java.sql.Connection connection = pool.getConnection()) {
            return ((org.h2.engine.SessionLocal) connection.unwrap(org.h2.jdbc.JdbcConnection.class).getSession())
                    .getDatabase();
        }
    }

    static String runShutdownProbe(String url, boolean withSettings) throws Exception {
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ShutdownProbe.class.getName(), url,
                String.valueOf(withSettings)).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return output;
    }

    static java.util.List<String> rows(String url) {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(url);
            return new JdbcTemplate(pool).queryForList("select v from t order by v", String.class);
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
