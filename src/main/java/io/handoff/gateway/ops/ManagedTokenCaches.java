package io.handoff.gateway.ops;

import java.util.List;

import javax.management.MalformedObjectNameException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jmx.export.MBeanExporter;
import org.springframework.stereotype.Component;

import io.handoff.gateway.provider.TokenCache;

/** Registers one {@link ManagedTokenCache} MBean per provider token cache ({@code handoff:type=TokenCache,provider=<name>}). */
@Component
public class ManagedTokenCaches implements SmartInitializingSingleton {

    private final List<TokenCache> caches;
    private final ObjectProvider<MBeanExporter> exporter;
    private final OpsObjectNames names;

    public ManagedTokenCaches(List<TokenCache> caches, ObjectProvider<MBeanExporter> exporter, OpsObjectNames names) {
        this.caches = caches;
        this.exporter = exporter;
        this.names = names;
    }

    @Override
    public void afterSingletonsInstantiated() {
        MBeanExporter jmx = exporter.getIfAvailable(); // none with spring.jmx.enabled=false
        if (jmx == null) {
            return;
        }
        for (TokenCache cache : caches) {
            try {
                jmx.registerManagedResource(new ManagedTokenCache(cache), names.of("TokenCache", "provider", cache.provider()));
            } catch (MalformedObjectNameException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
