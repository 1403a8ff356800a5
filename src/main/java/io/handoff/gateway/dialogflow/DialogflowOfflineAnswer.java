package io.handoff.gateway.dialogflow;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The door's enrich of direct:dialogflow-offline-event: the event is sent on a copy of the exchange, since a failure
 * handled there ends that exchange; the turn it wrote (its replies, or {@code offlineEvent: failed}) comes back.
 */
@Component("dialogflowOfflineAnswer")
public class DialogflowOfflineAnswer implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange door, Exchange offline) {
        door.setProperty(DialogflowTurn.PROPERTY, offline.getProperty(DialogflowTurn.PROPERTY));
        return door;
    }
}
