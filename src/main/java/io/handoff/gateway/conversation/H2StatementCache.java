package io.handoff.gateway.conversation;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

/**
 * On H2, a bigger cache of parsed statements per connection: H2 keeps 8 by default, fewer than the
 * statements one relayed message runs (accept, claim, deliver, done), so it parsed most of them again on
 * every message (seen with JFR). Applied to an H2 URL that does not set {@code QUERY_CACHE_SIZE} itself;
 * PostgreSQL is left alone.
 */
@Component
class H2StatementCache implements BeanPostProcessor {

    static final String SETTING = "QUERY_CACHE_SIZE";
    static final String SIZE = "64";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && appliesTo(pool.getJdbcUrl())) {
            pool.addDataSourceProperty(SETTING, SIZE);
        }
        return bean;
    }

    static boolean appliesTo(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.toUpperCase().contains(SETTING);
    }
}
