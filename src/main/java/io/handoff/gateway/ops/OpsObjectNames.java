package io.handoff.gateway.ops;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.springframework.stereotype.Component;

/** Builds the ObjectNames of the gateway's MBeans: {@code <handoff.ops.jmx-domain>:type=...}. */
@Component
public class OpsObjectNames {

    private final String domain;

    public OpsObjectNames(OpsProperties properties) {
        this.domain = properties.jmxDomain();
    }

    /** {@code handoff:type=<type>}, plus {@code ,key=value} pairs when given (plain names such as provider ids). */
    public ObjectName of(String type, String... keyValues) throws MalformedObjectNameException {
        StringBuilder name = new StringBuilder(domain).append(":type=").append(type);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            name.append(',').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }
        return new ObjectName(name.toString());
    }
}
