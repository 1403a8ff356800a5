package io.handoff.gateway.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The machine's PostgreSQL (127.0.0.1:5432, database test, trust auth), when it is reachable. */
public final class Postgres {

    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";

    /** Schemas this test JVM created; {@link DropTestSchemas} drops them when the test plan is over. */
    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

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
        String schema = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        CREATED.add(schema);
        return URL + "?currentSchema=" + schema;
    }

    /** Drops the schemas this JVM created, so the test database does not fill up run after run. */
    static void dropCreatedSchemas() {
        if (CREATED.isEmpty()) {
            return;
        }
        try (Connection c = DriverManager.getConnection(URL + "?connectTimeout=2", USER, "");
             Statement sql = c.createStatement()) {
            sql.execute("set lock_timeout = '10s'"); // a context still polling holds its locks only briefly
            for (String schema : CREATED) {
                sql.execute("drop schema if exists \"" + schema + "\" cascade");
                CREATED.remove(schema);
            }
        } catch (Exception e) {
            System.err.println("test schemas left in PostgreSQL (" + CREATED + "): " + e);
        }
    }
}
