package io.handoff.gateway.intake;

import org.springframework.stereotype.Component;

import io.handoff.gateway.conversation.Handoff;
import io.handoff.gateway.routing.Destinations;

/** switch-intake's first steps: the handoff of a validated switch, then its destination (both before anything is recorded). */
@Component("handoffIntake")
public class HandoffIntake {

    private final SwitchRequestParser parser;
    private final Destinations destinations;

    public HandoffIntake(SwitchRequestParser parser, Destinations destinations) {
        this.parser = parser;
        this.destinations = destinations;
    }

    /** The handoff of the body's switch; 400 lists every bad field. */
    public Handoff handoff(String body) {
        return Handoff.of(parser.parse(body));
    }

    /** The handoff with the switch's destination from handoff.destinations; 422 lists the known ones. */
    public Handoff withDestination(Handoff handoff) {
        return handoff.withDestination(destinations.resolve(handoff.switchRequest().switchData().destination()));
    }
}
