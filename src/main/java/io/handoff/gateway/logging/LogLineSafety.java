package io.handoff.gateway.logging;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

import ch.qos.logback.classic.PatternLayout;

/**
 * Escapes control characters in every pattern-logged message, whoever logs it (the gateway, Camel, Spring,
 * Tomcat): {@code %m}/{@code %msg}/{@code %message} become {@link EscapedMessageConverter}, and the exception
 * word {@code %safeEx} ({@code logging.exception-conversion-word} in application.yaml) escapes exception
 * messages. Registered before Spring Boot configures Logback (an environment post-processor runs before the
 * logging system starts). Structured JSON logging ({@code logging.structured.format.*}) escapes by itself.
 */
public class LogLineSafety implements EnvironmentPostProcessor {

    static {
        for (String word : new String[] {"m", "msg", "message"}) {
            PatternLayout.DEFAULT_CONVERTER_SUPPLIER_MAP.put(word, EscapedMessageConverter::new);
        }
        PatternLayout.DEFAULT_CONVERTER_SUPPLIER_MAP.put("safeEx", EscapedThrowableConverter::new);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        // the static block above has done the work once per JVM
    }
}
