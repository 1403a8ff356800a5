package io.handoff.gateway.dialogflow;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.stereotype.Component;

/**
 * The HTTP client of the detectIntent calls: without Apache HttpClient's own retries (it would repeat a 503 or 429
 * after a second, unseen), so the route's retry rule is the only one and counts every attempt.
 */
@Component("dialogflowHttpClient")
public class DialogflowHttpClient implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
