package io.handoff.gateway.support;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Drops the PostgreSQL schemas the tests created once every test has run (registered in
 * META-INF/services), so `./mvnw verify` leaves the shared test database as it found it.
 */
public class DropTestSchemas implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        Postgres.dropCreatedSchemas();
    }
}
