package io.handoff.gateway.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;

/** The machine's PostgreSQL (127.0.0.1:5432, database test, trust auth), when it is reachable. */
public final class Postgres {

    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";

    private Postgres() {
    }

    /** Used by {@code @EnabledIf}: CI has PostgreSQL, a laptop may not. */
    public static boolean reachable() {
        try (Connection c = DriverManager.getConnection(URL + "?connectTimeout=2", USER, "")) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    /** Points the gateway at a fresh schema of the test database, created by Flyway. */
    public static void register(org.springframework.test.context.DynamicPropertyRegistry registry, String prefix) {
        String url = freshSchemaUrl(prefix);
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.flyway.default-schema", () -> url.substring(url.indexOf("currentSchema=") + "currentSchema=".length()));
        registry.add("spring.flyway.create-schemas", () -> "true");
    }

    /** A fresh schema per test run, so runs never see each other's rows. */
    public static String freshSchemaUrl(String prefix) {
        return URL + "?currentSchema=" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
