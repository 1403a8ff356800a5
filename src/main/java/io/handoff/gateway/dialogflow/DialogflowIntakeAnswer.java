package io.handoff.gateway.dialogflow;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The door's enrich of direct:switch-intake: the intake answers on a copy of the exchange (it ends its exchange on a
 * refusal), and its status and body come back as properties, so the door can turn "nobody online" into its own 200.
 */
@Component("dialogflowIntakeAnswer")
public class DialogflowIntakeAnswer implements AggregationStrategy {

    public static final String STATUS = "dialogflowIntakeStatus";
    public static final String BODY = "dialogflowIntakeBody";

    @Override
    public Exchange aggregate(Exchange door, Exchange intake) {
        door.setProperty(STATUS, intake.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
        door.setProperty(BODY, intake.getMessage().getBody(String.class));
        return door;
    }
}
