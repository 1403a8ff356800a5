package io.handoff.gateway.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * In the sandbox the gateway calls its own simulators, so their URLs ({@code handoff.livechat.api-url} etc.)
 * need the real port before any bean or route reads them. A random port ({@code server.port=0}, which tests
 * ask for) is therefore chosen here, up front; and the Dialogflow simulator's key is written, whose
 * {@code token_uri} names that port. Does nothing outside the sandbox profile.
 */
public class SandboxPort implements EnvironmentPostProcessor {

    static final String PROPERTY_SOURCE = "sandboxPort";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.acceptsProfiles(Profiles.of("sandbox"))) {
            return;
        }
        if ("0".equals(environment.getProperty("server.port", "8080").trim())) {
            environment.getPropertySources().addFirst(
                    new MapPropertySource(PROPERTY_SOURCE, Map.of("server.port", freePort())));
        }
        // the Dialogflow simulator's service-account key: it must exist before handoff.dialogflow is bound
        environment.getPropertySources().addFirst(new MapPropertySource(SandboxDialogflow.KEY_PROPERTY_SOURCE,
                Map.of(SandboxDialogflow.KEY_PROPERTY, SandboxDialogflow.writeKey(
                        environment.getProperty("handoff.sandbox.gateway-url") + SandboxDialogflow.TOKEN_PATH))));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) { // every interface, as Tomcat binds
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the sandbox", e);
        }
    }
}
