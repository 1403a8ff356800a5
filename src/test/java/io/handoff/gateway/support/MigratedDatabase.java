package io.handoff.gateway.support;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** An in-memory H2 database of its own with the gateway's migrations, for a store's tests without Spring. */
public final class MigratedDatabase {

    private MigratedDatabase() {
    }

    public static JdbcTemplate inMemory(String name) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(h2).load().migrate();
        return new JdbcTemplate(h2);
    }
}
