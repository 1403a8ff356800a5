package io.handoff.gateway.dialogflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.handoff.gateway.dialogflow.DialogflowProperties.Edition;

/** Binding {@code handoff.dialogflow.*} as the application does, and its start-up validation. */
class DialogflowPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DialogflowProperties.class)
    @Import({DialogflowCredentials.class, EmptyAgentsConverter.class})
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void noDialogflowConfigurationIsFine() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(DialogflowProperties.class).agents()).isEmpty();
            assertThat(context.getBean(DialogflowCredentials.class).toString()).isEqualTo("DialogflowCredentials[]");
        });
        // what YAML gives for an empty "dialogflow:" or "agents:" (an empty string)
        runner.withPropertyValues("handoff.dialogflow=").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(DialogflowProperties.class).agents()).isEmpty();
        });
        runner.withPropertyValues("handoff.dialogflow.agents=").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(DialogflowProperties.class).agents()).isEmpty();
        });
    }

    @Test
    void aCxAgentWithDefaults() {
        runner.withPropertyValues(
                "handoff.dialogflow.agents.shop.edition=cx",
                "handoff.dialogflow.agents.shop.project-id=my-project",
                "handoff.dialogflow.agents.shop.agent-id=0b6c0f4e-1111",
                "handoff.dialogflow.agents.shop.language-code=en").run(context -> {
                    assertThat(context).hasNotFailed();
                    var agent = context.getBean(DialogflowProperties.class).agent("shop").orElseThrow();
                    assertThat(agent.edition()).isEqualTo(Edition.CX);
                    assertThat(agent.location()).isEqualTo("global");
                    assertThat(agent.apiUrl()).isEqualTo("https://dialogflow.googleapis.com");
                    assertThat(agent.hasEnvironment()).isFalse();
                    assertThat(agent.hasCredentials()).isFalse();
                    assertThat(agent.resumeEventName()).contains("handoff_ended");
                    assertThat(agent.offlineEventName()).contains("no_operators_online");
                    assertThat(agent.sessionTtl()).isEqualTo(Duration.ofDays(1));
                    assertThat(agent.sessionTtlToSend()).contains(Duration.ofDays(1));
                    // the door keeps the transcript for the operator: it goes unless turned off
                    assertThat(agent.switchDefaults().toJson(new ObjectMapper()).toString())
                            .isEqualTo("{\"sendMessagesToOperator\":true}");
                    assertThat(context.getBean(DialogflowCredentials.class).toString())
                            .isEqualTo("DialogflowCredentials[shop=ADC]");
                });
    }

    @Test
    void anEsAgentWithEverythingSet() {
        runner.withPropertyValues(
                "handoff.dialogflow.agents.helpdesk.edition=es",
                "handoff.dialogflow.agents.helpdesk.project-id=my-project",
                "handoff.dialogflow.agents.helpdesk.location=europe-west1",
                "handoff.dialogflow.agents.helpdesk.environment=prod",
                "handoff.dialogflow.agents.helpdesk.language-code=pt-BR",
                "handoff.dialogflow.agents.helpdesk.destination=sales",
                "handoff.dialogflow.agents.helpdesk.resume-event=",
                "handoff.dialogflow.agents.helpdesk.offline-event=nobody_there",
                "handoff.dialogflow.agents.helpdesk.session-ttl=0",
                "handoff.dialogflow.agents.helpdesk.switch.sendMessagesToOperator=false",
                "handoff.dialogflow.agents.helpdesk.switch.send-message-history-amount=20",
                "handoff.dialogflow.agents.helpdesk.switch.closeChatPhrases[0]=bye",
                "handoff.dialogflow.agents.helpdesk.switch.closeChatPhrases[1]=stop",
                "handoff.dialogflow.agents.helpdesk.switch.attributes.channel=web").run(context -> {
                    assertThat(context).hasNotFailed();
                    var agent = context.getBean(DialogflowProperties.class).agent("helpdesk").orElseThrow();
                    assertThat(agent.apiUrl()).isEqualTo("https://europe-west1-dialogflow.googleapis.com");
                    assertThat(agent.environment()).isEqualTo("prod");
                    assertThat(agent.destination()).isEqualTo("sales");
                    assertThat(agent.resumeEventName()).isEmpty();
                    assertThat(agent.offlineEventName()).contains("nobody_there");
                    assertThat(agent.sessionTtlToSend()).isEmpty();
                    assertThat(agent.switchDefaults().toJson(new ObjectMapper()).toString()).isEqualTo(
                            "{\"attributes\":{\"channel\":\"web\"},\"sendMessagesToOperator\":false,"
                                    + "\"sendMessageHistoryAmount\":20,\"closeChatPhrases\":[\"bye\",\"stop\"]}");
                });
    }

    @Test
    void aServiceAccountKeyIsASpringResource() {
        try (var fake = io.handoff.gateway.fakes.FakeDialogflow.start()) {
            runner.withPropertyValues(
                    "handoff.dialogflow.agents.shop.edition=es",
                    "handoff.dialogflow.agents.shop.project-id=p",
                    "handoff.dialogflow.agents.shop.language-code=en",
                    "handoff.dialogflow.agents.shop.api-url=" + fake.apiUrl() + "/",
                    "handoff.dialogflow.agents.shop.credentials=" + fake.credentialsResource()).run(context -> {
                        assertThat(context).hasNotFailed();
                        var agent = context.getBean(DialogflowProperties.class).agent("shop").orElseThrow();
                        assertThat(agent.apiUrl()).isEqualTo(fake.apiUrl());
                        assertThat(agent.credentials().getFile().toPath()).isEqualTo(fake.serviceAccountKeyFile());
                        assertThat(context.getBean(DialogflowCredentials.class).accessToken("shop")).isNotBlank();
                    });
        }
    }

    @Test
    void everyProblemIsNamedAtStartUp() {
        runner.withPropertyValues(
                "handoff.dialogflow.agents.shop.edition=cx",
                "handoff.dialogflow.agents.shop.location=Europe West1",
                "handoff.dialogflow.agents.shop.environment=a/b",
                "handoff.dialogflow.agents.shop.api-url=dialogflow.googleapis.com",
                "handoff.dialogflow.agents.shop.credentials=file:/nonexistent/key.json",
                "handoff.dialogflow.agents.shop.resume-event=welcome back",
                "handoff.dialogflow.agents.shop.session-ttl=2d").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure())).contains(
                            "handoff.dialogflow.agents.shop.project-id: required",
                            "handoff.dialogflow.agents.shop.location: 'Europe West1' is neither global nor a region",
                            "handoff.dialogflow.agents.shop.agent-id: required for edition cx",
                            "handoff.dialogflow.agents.shop.environment: 'a/b'",
                            "handoff.dialogflow.agents.shop.language-code: required",
                            "handoff.dialogflow.agents.shop.api-url: 'dialogflow.googleapis.com' is not an http(s) URL",
                            "handoff.dialogflow.agents.shop.credentials: URL [file:/nonexistent/key.json] does not exist",
                            "handoff.dialogflow.agents.shop.resume-event: 'welcome back'",
                            "handoff.dialogflow.agents.shop.session-ttl: PT48H is outside 0..1d");
                });
        runner.withPropertyValues("handoff.dialogflow.agents.shop.project-id=p",
                "handoff.dialogflow.agents.shop.language-code=en").run(context ->
                assertThat(rootMessage(context.getStartupFailure()))
                        .contains("handoff.dialogflow.agents.shop.edition: required, cx or es"));
    }

    @Test
    void anUnknownEditionNamesTheValidOnes() {
        runner.withPropertyValues("handoff.dialogflow.agents.shop.edition=dx",
                "handoff.dialogflow.agents.shop.project-id=p",
                "handoff.dialogflow.agents.shop.language-code=en").run(context -> {
                    assertThat(context).hasFailed();
                    String messages = allMessages(context.getStartupFailure());
                    assertThat(messages).contains("handoff.dialogflow.agents.shop.edition").contains("dx");
                });
    }

    @Test
    void anUnusableKeyFileStopsStartUp(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var key = java.nio.file.Files.writeString(dir.resolve("key.json"), "{\"type\":\"service_account\"}");
        runner.withPropertyValues("handoff.dialogflow.agents.shop.edition=es",
                "handoff.dialogflow.agents.shop.project-id=p",
                "handoff.dialogflow.agents.shop.language-code=en",
                "handoff.dialogflow.agents.shop.credentials=file:" + key).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(allMessages(context.getStartupFailure()))
                            .contains("handoff.dialogflow.agents.shop.credentials: URL [file:" + key
                                    + "] is not a usable service-account key");
                });
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private static String allMessages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
