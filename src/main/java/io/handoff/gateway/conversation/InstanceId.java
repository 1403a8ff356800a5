package io.handoff.gateway.conversation;

import java.net.InetAddress;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * This instance's name among the gateways sharing one database: the owner written on the work it
 * leases, and the sender of its notifications. Host and process id for people reading the table, and a
 * random part, so a restarted process (same pid in a container) is a new owner.
 */
@Component
public class InstanceId {

    private static final Logger log = LoggerFactory.getLogger(InstanceId.class);

    private final String value;

    public InstanceId() {
        this.value = host() + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
        log.info("instance id {}", value);
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }

    private static String host() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.length() > 60 ? name.substring(0, 60) : name;
        } catch (Exception e) {
            return "host";
        }
    }
}
