package io.handoff.gateway.web;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerAdapter;
import org.springframework.web.servlet.ModelAndView;

import io.handoff.gateway.HandoffProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Which thread runs a Camel REST call. Camel's platform-http hands every call to Spring's task pool
 * (the request pool: bounded, 503 {@code gateway-busy} when full) and completes it as an async request,
 * which passes the servlet filters and the DispatcherServlet a second time. That is right for a route that
 * may wait for a provider (a handoff, the JAICP and Dialogflow doors, webhooks), so that waiting calls
 * cannot take every server thread. The paths in {@code handoff.api.server-thread-paths} are routes that only
 * read and write the database (a client message is queued, not relayed): they run on the server's own
 * thread, in one pass, which costs a fraction of the CPU and latency (measured with bench/run).
 */
@Configuration(proxyBeanMethods = false)
public class ServerThreadRestCalls {

    private static final Logger log = LoggerFactory.getLogger(ServerThreadRestCalls.class);

    /** Camel's REST consumers that run on the calling thread. */
    private final Set<Object> onServerThread = ConcurrentHashMap.newKeySet();

    /** Replaces Camel's default engine (same name), which gives every consumer the request pool. */
    @Bean(name = "platform-http-engine")
    PlatformHttpEngine platformHttpEngine(Environment environment, @Qualifier("applicationTaskExecutor") Executor requestPool,
                                          HandoffProperties properties) {
        Set<String> paths = Set.copyOf(properties.api().serverThreadPaths());
        int port = Integer.parseInt(environment.getProperty("server.port", "8080"));
        return new SpringBootPlatformHttpEngine(port, requestPool) {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
                if (!paths.contains(endpoint.getPath())) {
                    return super.createConsumer(endpoint, processor);
                }
                log.debug("REST path {} runs on the server thread", endpoint.getPath());
                SpringBootPlatformHttpConsumer consumer = new SpringBootPlatformHttpConsumer(endpoint, processor, Runnable::run);
                onServerThread.add(consumer);
                return consumer;
            }
        };
    }

    /**
     * Runs those consumers' calls to the end on the server thread and returns; ahead of Spring's
     * RequestMappingHandlerAdapter, which would start an async request for the CompletableFuture they return.
     * A failure goes to the same exception resolvers ({@link FrameworkProblems}) as before.
     */
    @Bean
    HandlerAdapter serverThreadRestCallAdapter() {
        return new ServerThreadAdapter(onServerThread);
    }

    private record ServerThreadAdapter(Set<Object> consumers) implements HandlerAdapter, Ordered {

        @Override
        public boolean supports(Object handler) {
            return handler instanceof HandlerMethod method && consumers.contains(method.getBean());
        }

        @Override
        public ModelAndView handle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
            SpringBootPlatformHttpConsumer consumer = (SpringBootPlatformHttpConsumer) ((HandlerMethod) handler).getBean();
            try {
                consumer.service(request, response).join(); // already done: its executor is the calling thread
            } catch (CompletionException failed) {
                throw failed.getCause() instanceof Exception cause ? cause : failed;
            }
            return null; // the route has written the response
        }

        @Override
        @SuppressWarnings("deprecation")
        public long getLastModified(HttpServletRequest request, Object handler) {
            return -1;
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
