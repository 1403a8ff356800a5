package io.handoff.gateway.ops;

import java.util.concurrent.Executor;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

import io.handoff.gateway.delivery.ParkedLongPolls;

/**
 * The {@code requestPool} health component: the threads Camel's REST routes run on (bot API, webhooks,
 * JAICP) and the long-polls waiting without one. In readiness: a saturated pool refuses calls with 503,
 * so the instance should get no more traffic until a thread is free (OUT_OF_SERVICE). Long-polls at
 * their cap do not change the status: they are refused cleanly and take nothing from the other calls.
 */
@Component("requestPool")
public class RequestPoolHealth implements HealthIndicator {

    private final Executor pool;
    private final ParkedLongPolls longPolls;

    public RequestPoolHealth(@Qualifier("applicationTaskExecutor") Executor pool, ParkedLongPolls longPolls) {
        this.pool = pool;
        this.longPolls = longPolls;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        if (pool instanceof ThreadPoolTaskExecutor threads) {
            int active = threads.getActiveCount();
            int max = threads.getMaxPoolSize();
            health = active >= max ? Health.outOfService() : Health.up();
            health.withDetail("activeThreads", active).withDetail("maxThreads", max);
        } else {
            health.withDetail("maxThreads", "unbounded"); // virtual threads: a thread per call
        }
        return health.withDetail("parkedLongPolls", longPolls.parked())
                .withDetail("maxLongPolls", longPolls.max())
                .build();
    }
}
