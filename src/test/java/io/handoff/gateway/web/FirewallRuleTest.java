package io.handoff.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The firewall's header rule without a regex accepts exactly what Spring Security's pattern accepts. */
class FirewallRuleTest {

    static final Pattern SPRING_NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    static final Pattern SPRING_VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void everyCodePointIsJudgedAsTheDefaultPatternsJudgeIt() {
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT).filter(cp -> cp < 0xD800 || cp > 0xDFFF).forEach(cp -> {
            String text = "a" + new String(Character.toChars(cp)) + "b";
            assertThat(SecurityConfiguration.assignedAndNotControl(text, false))
                    .as("name U+%04X", cp).isEqualTo(SPRING_NAMES.matcher(text).matches());
            assertThat(SecurityConfiguration.assignedAndNotControl(text, true))
                    .as("value U+%04X", cp).isEqualTo(SPRING_VALUES.matcher(text).matches());
        });
    }

    @Test
    void ordinaryHeadersPassAndControlCharactersDoNot() {
        assertThat(SecurityConfiguration.assignedAndNotControl("Bearer abc-123", true)).isTrue();
        assertThat(SecurityConfiguration.assignedAndNotControl("", false)).isTrue();
        assertThat(SecurityConfiguration.assignedAndNotControl("caf\u00e9 \u4e2d", true)).isTrue();
        assertThat(SecurityConfiguration.assignedAndNotControl("a\nb", true)).isFalse();
        assertThat(SecurityConfiguration.assignedAndNotControl("a\u0000b", true)).isFalse();
        assertThat(SecurityConfiguration.assignedAndNotControl("a\u0085b", false)).isFalse();
        assertThat(SecurityConfiguration.assignedAndNotControl("a\tb", true)).isTrue();
        assertThat(SecurityConfiguration.assignedAndNotControl("a\tb", false)).isFalse();
    }

    @Test
    void aQueryWithControlCharactersIsToldApart() {
        assertThat(RequestGuard.hasControlCharacters(null)).isFalse();
        assertThat(RequestGuard.hasControlCharacters("after=3&wait=10")).isFalse();
        assertThat(RequestGuard.hasControlCharacters("q=%20%7E%C3%A9%25")).isFalse();
        assertThat(RequestGuard.hasControlCharacters("x=%2")).isFalse();
        assertThat(RequestGuard.hasControlCharacters("%00=1")).isTrue();
        assertThat(RequestGuard.hasControlCharacters("a%0Ab=1")).isTrue();
        assertThat(RequestGuard.hasControlCharacters("a=%0d")).isTrue();
        assertThat(RequestGuard.hasControlCharacters("a=%1f")).isTrue();
        assertThat(RequestGuard.hasControlCharacters("a=%7F")).isTrue();
        assertThat(RequestGuard.hasControlCharacters("a=\u0001")).isTrue();
    }
}
