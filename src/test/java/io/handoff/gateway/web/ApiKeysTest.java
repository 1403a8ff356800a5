package io.handoff.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The start-up warnings about the bot API's keys, without a Spring context. */
class ApiKeysTest {

    @Test
    void noKeyAtAllSaysTheApiIsShut() {
        assertThat(ApiKeys.warnings(List.of(), false)).singleElement().asString()
                .contains("handoff.api.keys is empty").contains("refuses every call");
    }

    @Test
    void theSandboxKeyOutsideTheSandboxIsCalledOut() {
        assertThat(ApiKeys.warnings(List.of(ApiKeys.SANDBOX_KEY), false)).singleElement().asString()
                .contains("sandbox's published key");
        assertThat(ApiKeys.warnings(List.of(ApiKeys.SANDBOX_KEY), true)).isEmpty();
    }

    @Test
    void shortKeysAreCalledOutByPositionNeverByValue() {
        List<String> warnings = ApiKeys.warnings(List.of("0123456789abcdef", "short-key"), false);
        assertThat(warnings).singleElement().asString()
                .contains("handoff.api.keys[1]").contains("shorter than 16").doesNotContain("short-key");
    }

    @Test
    void longRandomKeysAreQuiet() {
        assertThat(ApiKeys.warnings(List.of("f3b1c2d4e5f60718293a4b5c", "0123456789abcdef"), false)).isEmpty();
    }
}
