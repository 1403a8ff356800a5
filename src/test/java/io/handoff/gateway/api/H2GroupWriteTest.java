package io.handoff.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import com.zaxxer.hikari.HikariDataSource;

/** What a caller committed is in H2's file when writeCommitted returns, with many callers at once too. (A kill: GatewayKilledH2Test.) */
class H2GroupWriteTest {

    @Test
    void whatWasCommittedIsWrittenWhenTheCallReturns() throws Exception {
        // H2's own writer a minute apart, so that only writeCommitted writes during the test
        try (HikariDataSource pool = pool("jdbc:h2:file:" + Path.of("target", "group-write-" + UUID.randomUUID(), "db").toAbsolutePath()
                + ";WRITE_DELAY=60000")) {
            JdbcTemplate jdbc = new JdbcTemplate(pool);
            jdbc.execute("create table t (id int primary key)");
            H2GroupWrite groupWrite = new H2GroupWrite(pool, true);
            assertThat(groupWrite.active()).isTrue();
            MVStore store = store(pool);

            jdbc.update("insert into t values (1)");
            assertThat(store.hasUnsavedChanges()).as("H2 keeps the commit in memory").isTrue();
            groupWrite.writeCommitted();
            assertThat(store.hasUnsavedChanges()).isFalse();

            List<CompletableFuture<Void>> callers = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int first = 100 + thread * 100;
                callers.add(CompletableFuture.runAsync(() -> {
                    for (int id = first; id < first + 50; id++) {
                        jdbc.update("insert into t values (?)", id);
                        groupWrite.writeCommitted();
                    }
                }));
            }
            CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(store.hasUnsavedChanges()).isFalse();
            assertThat(jdbc.queryForObject("select count(*) from t", Integer.class)).isEqualTo(401);
        }
    }

    @Test
    void aDatabaseClosedAndOpenedAgainIsTheOneWritten() throws Exception {
        // no pool: H2 closes the database when its last connection closes, and the next one opens it anew
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + Path.of("target", "group-write-" + UUID.randomUUID(), "db").toAbsolutePath()
                + ";WRITE_DELAY=60000");
        H2GroupWrite groupWrite;
        try (Connection first = h2.getConnection()) {
            first.createStatement().execute("create table t (id int primary key)");
            groupWrite = new H2GroupWrite(h2, true);
        }
        try (Connection again = h2.getConnection()) {
            again.createStatement().execute("insert into t values (1)");
            MVStore reopened = H2GroupWrite.h2FileStore(h2);
            assertThat(reopened.hasUnsavedChanges()).as("H2 keeps the commit in memory").isTrue();
            groupWrite.writeCommitted();
            assertThat(reopened.hasUnsavedChanges()).isFalse();
        }
    }

    @Test
    void anInMemoryDatabaseHasNoFileToWait() throws Exception {
        try (HikariDataSource pool = pool("jdbc:h2:mem:group-write")) {
            H2GroupWrite groupWrite = new H2GroupWrite(pool, true);
            assertThat(groupWrite.active()).isFalse();
            groupWrite.writeCommitted(); // returns at once
        }
    }

    @Test
    void turnedOffItNeverWaits() throws Exception {
        try (HikariDataSource pool = pool("jdbc:h2:file:" + Path.of("target", "group-write-" + UUID.randomUUID(), "db").toAbsolutePath())) {
            assertThat(new H2GroupWrite(pool, false).active()).isFalse();
        }
    }

    static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        return pool;
    }

    static MVStore store(HikariDataSource pool) throws Exception {
        return H2GroupWrite.h2FileStore(pool);
    }
}
