package io.handoff.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The firewall's header rule without a regex accepts exactly what Spring Security's pattern accepts. */
class FirewallRuleTest {

    static final Pattern SPRING_DEFAULT = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    @Test
    void everyCodePointIsJudgedAsTheDefaultPatternJudgesIt() {
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT).filter(cp -> cp < 0xD800 || cp > 0xDFFF).forEach(cp -> {
            String text = "a" + new String(Character.toChars(cp)) + "b";
            assertThat(SecurityConfiguration.assignedAndNotControl(text))
                    .as("U+%04X", cp).isEqualTo(SPRING_DEFAULT.matcher(text).matches());
        });
    }

    @Test
    void ordinaryHeadersPassAndControlCharactersDoNot() {
        assertThat(SecurityConfiguration.assignedAndNotControl("Bearer abc-123")).isTrue();
        assertThat(SecurityConfiguration.assignedAndNotControl("")).isTrue();
        assertThat(SecurityConfiguration.assignedAndNotControl("caf\u00e9 \u4e2d")).isTrue();
        assertThat(SecurityConfiguration.assignedAndNotControl("a\nb")).isFalse();
        assertThat(SecurityConfiguration.assignedAndNotControl("a\u0000b")).isFalse();
        assertThat(SecurityConfiguration.assignedAndNotControl("a\u0085b")).isFalse();
    }
}
