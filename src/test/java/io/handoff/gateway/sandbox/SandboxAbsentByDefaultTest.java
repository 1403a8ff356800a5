package io.handoff.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import io.handoff.gateway.HandoffGatewayApplication;
import io.handoff.gateway.support.GatewayClient;

/** Without the sandbox profile (a plain `java -jar`) there is no simulator, no console and no sandbox bean. */
@CamelSpringBootTest
@SpringBootTest(classes = HandoffGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:sandbox-absent;DB_CLOSE_DELAY=-1")
class SandboxAbsentByDefaultTest {

    @LocalServerPort
    int port;

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void theSandboxPathsAreNotFound() {
        GatewayClient http = new GatewayClient(port, null);
        assertThat(http.get("/sandbox/console").status()).isEqualTo(404);
        assertThat(http.get("/sandbox/console/api/chats").status()).isEqualTo(404);
        assertThat(http.post("/sandbox/livechat/accounts/v2/customer/token", "{}").status()).isEqualTo(404);
        assertThat(http.post("/sandbox/livechat/v3.6/customer/action/start_chat", "{}").status()).isEqualTo(404);
        assertThat(http.post("/sandbox/livetex/1.0/getDestinations?key=" + SandboxLiveTex.KEY, "{}").status()).isEqualTo(404);
    }

    @Test
    void noSandboxBeanExistsAndTheConfigurationIsTheProductionOne() {
        assertThat(Arrays.stream(context.getBeanDefinitionNames())
                .map(name -> context.getBeanFactory().getBeanDefinition(name).getBeanClassName())
                .filter(type -> type != null && type.startsWith(SandboxLiveChat.class.getPackageName())))
                .isEmpty();
        assertThat(context.getBeanNamesForType(SandboxLiveChat.class)).isEmpty();
        assertThat(context.getBeanNamesForType(SandboxLiveTex.class)).isEmpty();
        assertThat(context.getBeanNamesForType(SandboxWebhookSender.class)).isEmpty();
        assertThat(context.getEnvironment().getProperty("handoff.livechat.api-url")).isEqualTo("https://api.livechatinc.com/v3.6");
        assertThat(context.getEnvironment().getProperty("handoff.sandbox.gateway-url")).isNull();
        assertThat(context.getEnvironment().getPropertySources().contains(SandboxPort.PROPERTY_SOURCE)).isFalse();
    }
}
