package io.handoff.gateway.delivery;

import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Puts {@link LongPollEndpoint} in front of Camel's REST mappings. Camel's platform-http registers every
 * REST DSL verb in a handler mapping of order -1, ahead of Spring's own controllers (order 0), so a plain
 * {@code @GetMapping} on the same path would never be reached. This mapping (order -2) knows only
 * {@link LongPollEndpoint}, whose mapping requires a {@code wait} other than 0: those requests are served
 * here, every other one falls through to Camel. Which one serves what is fixed by the orders, not by
 * bean registration order.
 */
@Configuration(proxyBeanMethods = false)
public class LongPollHandlerMapping {

    static final int ORDER = -2;

    @Bean
    RequestMappingHandlerMapping longPollMapping() {
        RequestMappingHandlerMapping mapping = new RequestMappingHandlerMapping() {
            @Override
            protected boolean isHandler(Class<?> beanType) {
                return LongPollEndpoint.class.isAssignableFrom(beanType);
            }

            /** Spring would answer 400 for "the path matched, the wait did not": let Camel's mapping have it. */
            @Override
            protected HandlerMethod handleNoMatch(Set<RequestMappingInfo> infos, String lookupPath,
                                                  HttpServletRequest request) {
                return null;
            }

            @Override
            protected HandlerMethod getHandlerInternal(HttpServletRequest request) throws Exception {
                // as Camel's mapping does: the parsed path must be there whichever mapping asks first
                ServletRequestPathUtils.parseAndCache(request);
                return super.getHandlerInternal(request);
            }
        };
        mapping.setOrder(ORDER);
        return mapping;
    }
}
