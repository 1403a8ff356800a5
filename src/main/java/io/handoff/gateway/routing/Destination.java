package io.handoff.gateway.routing;

import java.util.List;

/** A named operator group on one provider: a row of the router's table. */
public record Destination(String name, String provider, String description, List<String> groupIds) {
}
